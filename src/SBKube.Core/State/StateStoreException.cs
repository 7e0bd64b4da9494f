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
    }

    /// <summary>A state DB problem, with the file it concerns and what went wrong.</summary>
    public sealed class StateStoreException : Exception
    {
        public StateStoreException(StateStoreErrorKind kind, string path, string message, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
            Path = path;
        }

        public StateStoreErrorKind Kind { get; }
        public string Path { get; }
    }
}
