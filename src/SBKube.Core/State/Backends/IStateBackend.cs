using System;
using System.Collections.Generic;
using System.Data.Common;

namespace SBKube.Core.State.Backends
{
    /// <summary>
    /// What differs between the databases behind <see cref="StateStore"/>: connecting, how a write
    /// excludes other writers, how times are stored, schema migrations and error translation. The SQL
    /// itself is shared.
    /// </summary>
    internal interface IStateBackend
    {
        /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
        string Name { get; }

        /// <summary>For messages: the file path, or the server, database and schema (never a password).</summary>
        string Location { get; }

        /// <summary>
        /// Creates the database objects when needed and migrates them forward; refuses newer schemas.
        /// With <paramref name="mustExist"/> (a read) a missing store is an error, never created.
        /// </summary>
        void Initialize(StateStore store, bool mustExist);

        /// <summary>What opening found worth telling the user (a state file others can read).</summary>
        IReadOnlyList<string> Warnings { get; }

        /// <summary>
        /// Opens a connection, runs <paramref name="work"/> and translates the database's errors. With
        /// <paramref name="retry"/>, work cut off by a lost connection is started again on a new one.
        /// </summary>
        T Run<T>(Func<DbConnection, T> work, bool retry = true);

        /// <summary>The rows of a read outside any transaction, read as fast as the backend allows (listings).</summary>
        IRowReader Query(DbConnection conn, string sql, (string Name, object? Value)[] parameters);

        /// <summary>A transaction that holds the store's write lock from its first statement.</summary>
        DbTransaction BeginWrite(DbConnection conn);

        /// <summary>A transaction whose reads all see one snapshot.</summary>
        DbTransaction BeginRead(DbConnection conn);

        /// <summary>After a committed write (SQLite: checkpoint, so a file copy is a full backup).</summary>
        void AfterWrite(DbConnection conn);

        /// <summary>
        /// Runs a delete of most of <paramref name="table"/>'s rows. SQLite updates every index per deleted row,
        /// so there the secondary indexes are dropped first and built again after, in the same transaction.
        /// </summary>
        void BulkDelete(DbConnection conn, DbTransaction tx, string table, Action delete);

        /// <summary>After a prune removed rows (SQLite: give the space back when it is worth it).</summary>
        void AfterPrune(DbConnection conn);

        /// <summary>A time as the column stores it.</summary>
        object Time(DateTime utc);

        /// <summary>A time column keeps text it cannot read as a time (SQLite's columns are text; a timestamp column refuses it).</summary>
        bool TimeColumnsKeepText { get; }

        /// <summary>Bytes the state takes on disk.</summary>
        long DatabaseBytes(DbConnection conn);
    }

    /// <summary>A backend whose database is one file on this machine, so that it can be backed up as a file.</summary>
    internal interface IFileBackend : IStateBackend
    {
        /// <summary>Copies the database open on <paramref name="conn"/> into the file <paramref name="path"/>: consistent even while others write.</summary>
        void CopyTo(DbConnection conn, string path);
    }
}
