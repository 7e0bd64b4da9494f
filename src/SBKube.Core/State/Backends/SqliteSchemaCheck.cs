using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace SBKube.Core.State.Backends
{
    /// <summary>
    /// Checks that a state file at the current version has every table and column the migrations
    /// create: a file edited by another tool must fail on open with a clear error, not on the first
    /// query that touches what is missing.
    /// </summary>
    internal static class SqliteSchemaCheck
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, IReadOnlyDictionary<string, IReadOnlyList<string>>> Expected =
            new System.Collections.Concurrent.ConcurrentDictionary<int, IReadOnlyDictionary<string, IReadOnlyList<string>>>();

        /// <summary>The tables and columns of a schema version, read from an in-memory database built by the migrations.</summary>
        private static IReadOnlyDictionary<string, IReadOnlyList<string>> Schema(int version) => Expected.GetOrAdd(version, v =>
        {
            using var conn = new SqliteConnection("Data Source=:memory:");
            conn.Open();
            using (DbTransaction tx = conn.BeginTransaction())
            {
                SqliteMigrations.Apply(conn, tx, 0, v);
                tx.Commit();
            }
            return Tables(conn).ToDictionary(t => t, t => Columns(conn, t), StringComparer.OrdinalIgnoreCase);
        });

        /// <summary>What the file lacks for its <paramref name="version"/>, in words; null when nothing is missing.</summary>
        internal static string? Missing(DbConnection conn, int version)
        {
            var present = new HashSet<string>(Tables(conn), StringComparer.OrdinalIgnoreCase);
            var problems = new List<string>();
            foreach (KeyValuePair<string, IReadOnlyList<string>> table in Schema(version).OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                if (!present.Contains(table.Key))
                {
                    problems.Add($"table '{table.Key}'");
                    continue;
                }
                var columns = new HashSet<string>(Columns(conn, table.Key), StringComparer.OrdinalIgnoreCase);
                problems.AddRange(table.Value.Where(c => !columns.Contains(c)).Select(c => $"column '{table.Key}.{c}'"));
            }
            return problems.Count == 0 ? null : string.Join(", ", problems);
        }

        private static IReadOnlyList<string> Tables(DbConnection conn)
        {
            var list = new List<string>();
            using DbCommand cmd = StateStore.Command(conn,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", null);
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(r.GetString(0));
            }
            return list;
        }

        /// <summary>The column names of <paramref name="table"/>; empty when there is no such table.</summary>
        internal static IReadOnlyList<string> Columns(DbConnection conn, string table, DbTransaction? tx = null)
        {
            var list = new List<string>();
            using DbCommand cmd = StateStore.Command(conn, "SELECT name FROM pragma_table_info(@t)", tx, ("@t", table));
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(r.GetString(0));
            }
            return list;
        }
    }
}
