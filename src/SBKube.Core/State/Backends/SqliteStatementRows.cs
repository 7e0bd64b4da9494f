using System;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SBKube.Core.State.Backends
{
    /// <summary>
    /// Rows read straight from an SQLite statement, for listings of a million revisions: each column
    /// costs one call into SQLite instead of Microsoft.Data.Sqlite's several, and a text equal to the
    /// same column of the row before (namespace, app, chart, status in a sorted listing) is not decoded
    /// or allocated again.
    /// </summary>
    internal sealed class SqliteStatementRows : IRowReader
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;
        private readonly byte[]?[] _lastBytes;
        private readonly int[] _lastLength;
        private readonly string?[] _lastText;

        internal SqliteStatementRows(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
        {
            _db = connection.Handle!;
            Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
            try
            {
                foreach ((string name, object? value) in parameters)
                {
                    int index = raw.sqlite3_bind_parameter_index(_statement, name);
                    if (index == 0)
                    {
                        throw new ArgumentException($"The query has no parameter {name}.", nameof(parameters));
                    }
                    Check(value switch
                    {
                        null => raw.sqlite3_bind_null(_statement, index),
                        string text => raw.sqlite3_bind_text(_statement, index, text),
                        int number => raw.sqlite3_bind_int64(_statement, index, number),
                        long number => raw.sqlite3_bind_int64(_statement, index, number),
                        _ => throw new ArgumentException($"Parameter {name}: {value.GetType().Name} is not bound here.", nameof(parameters)),
                    });
                }
            }
            catch
            {
                _statement.Dispose();
                throw;
            }
            int columns = raw.sqlite3_column_count(_statement);
            _lastBytes = new byte[columns][];
            _lastLength = new int[columns];
            _lastText = new string[columns];
        }

        public bool Read()
        {
            int rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }
            if (rc == raw.SQLITE_DONE)
            {
                return false;
            }
            Check(rc);
            return false;
        }

        public long Int64(int i) => raw.sqlite3_column_int64(_statement, i);

        public string Text(int i) => TextOrNull(i) ?? "";

        public string? TextOrNull(int i)
        {
            int type = raw.sqlite3_column_type(_statement, i);
            if (type == raw.SQLITE_NULL)
            {
                return null;
            }
            if (type != raw.SQLITE_TEXT)
            {
                return Convert.ToString(Value(i), CultureInfo.InvariantCulture);
            }
            ReadOnlySpan<byte> bytes = raw.sqlite3_column_blob(_statement, i);
            byte[]? last = _lastBytes[i];
            if (last != null && bytes.SequenceEqual(new ReadOnlySpan<byte>(last, 0, _lastLength[i])))
            {
                return _lastText[i];
            }
            if (last == null || last.Length < bytes.Length)
            {
                last = _lastBytes[i] = new byte[Math.Max(32, bytes.Length * 2)];
            }
            bytes.CopyTo(last);
            _lastLength[i] = bytes.Length;
            return _lastText[i] = Encoding.UTF8.GetString(last, 0, bytes.Length);
        }

        public int? Int32OrNull(int i) => raw.sqlite3_column_type(_statement, i) == raw.SQLITE_NULL
            ? (int?)null
            : checked((int)raw.sqlite3_column_int64(_statement, i));

        public object? Value(int i) => raw.sqlite3_column_type(_statement, i) switch
        {
            raw.SQLITE_NULL => null,
            raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, i),
            raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, i),
            raw.SQLITE_TEXT => TextOrNull(i),
            _ => raw.sqlite3_column_blob(_statement, i).ToArray(),
        };

        public void Dispose() => _statement.Dispose();

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                // The same exception Microsoft.Data.Sqlite raises, so the backend translates it the same way.
                throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
            }
        }
    }
}
