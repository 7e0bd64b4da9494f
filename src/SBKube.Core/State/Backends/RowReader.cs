using System;
using System.Data.Common;
using System.Globalization;

namespace SBKube.Core.State.Backends
{
    /// <summary>The rows of a query, their columns read by position.</summary>
    internal interface IRowReader : IDisposable
    {
        bool Read();

        /// <summary>An integer column declared NOT NULL.</summary>
        long Int64(int i);

        /// <summary>A text column declared NOT NULL.</summary>
        string Text(int i);

        string? TextOrNull(int i);

        int? Int32OrNull(int i);

        /// <summary>The column's value as the provider gives it, null for SQL NULL.</summary>
        object? Value(int i);
    }

    /// <summary>An <see cref="IRowReader"/> over any ADO.NET reader; it owns the command and the reader.</summary>
    internal sealed class DataReaderRows : IRowReader
    {
        private readonly DbCommand _command;
        private readonly DbDataReader _reader;

        internal DataReaderRows(DbCommand command)
        {
            _command = command;
            _reader = command.ExecuteReader();
        }

        public bool Read() => _reader.Read();

        public long Int64(int i) => Convert.ToInt64(_reader.GetValue(i), CultureInfo.InvariantCulture);

        public string Text(int i) => _reader.GetString(i);

        // One GetValue: a provider's GetString asks IsDBNull itself.
        public string? TextOrNull(int i) => _reader.GetValue(i) as string;

        public int? Int32OrNull(int i)
        {
            object value = _reader.GetValue(i);
            return value is DBNull ? (int?)null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }

        public object? Value(int i)
        {
            object value = _reader.GetValue(i);
            return value is DBNull ? null : value;
        }

        public void Dispose()
        {
            _reader.Dispose();
            _command.Dispose();
        }
    }
}
