using System;

namespace SBKube.Core.State
{
    public enum StateStoreErrorKind
    {
        NotADatabase,
        NewerSchema,
        ReadOnly,
        Corrupt,
        Io,
        NotFound,
        Ambiguous,
        /// <summary>The operation does not apply to this backend (a file backup of a PostgreSQL store).</summary>
        NotSupported,
        /// <summary>A bad <c>-StateConnection</c>, <c>-StatePath</c> or their environment variables.</summary>
        InvalidConnection,
        /// <summary>The PostgreSQL server could not be reached (down, wrong host or port, timed out).</summary>
        ServerUnreachable,
        AuthenticationFailed,
        /// <summary>The PostgreSQL database does not exist.</summary>
        DatabaseMissing,
        /// <summary>The role lacks a privilege SBKube needs (CREATE on the database or schema, or table rights).</summary>
        PermissionDenied,
        /// <summary>The PostgreSQL server is older than SBKube supports.</summary>
        UnsupportedServer,
        /// <summary>The disk holding the SQLite file is full; the write was rolled back.</summary>
        DiskFull,
        /// <summary>A store whose version says current but that lacks tables or columns, or has a version no SBKube writes.</summary>
        InvalidSchema,
        /// <summary>A destination that is not a regular file (device, FIFO, socket, directory or link).</summary>
        NotAFile,
        /// <summary>An app's revisions reached the highest number a revision can have (imported rows can get there).</summary>
        RevisionLimit,
    }

    /// <summary>A state store problem, with the file (or redacted server location) it concerns and what went wrong.</summary>
    public sealed class StateStoreException : GuidedException
    {
        public StateStoreException(StateStoreErrorKind kind, string path, string message, Exception? inner = null,
            NextStep? next = null, EngineInput? input = null)
            : base(message, inner, next, input)
        {
            Kind = kind;
            Path = path;
        }

        public StateStoreErrorKind Kind { get; }
        public string Path { get; }
    }
}
