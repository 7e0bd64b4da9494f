using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace SBKube.Core.State.Backends
{
    /// <summary>
    /// A PostgreSQL state location: a <c>postgres://user@host:port/db?sslmode=..&amp;schema=..</c> URI or
    /// an Npgsql <c>key=value;...</c> string, completed from the libpq variables (PGHOST, PGPORT,
    /// PGUSER, PGPASSWORD, PGDATABASE, PGPASSFILE, PGSSLMODE) so no script has to hold a password.
    /// </summary>
    internal sealed class PostgresConnection
    {
        public const string DefaultSchema = "sbkube";
        private static readonly Regex SchemaName = new Regex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant);

        private PostgresConnection(NpgsqlConnectionStringBuilder builder, string schema)
        {
            Builder = builder;
            Schema = schema;
        }

        public NpgsqlConnectionStringBuilder Builder { get; }

        /// <summary>Separates teams sharing one database: tables, revisions and locks live in it.</summary>
        public string Schema { get; }

        public string ConnectionString => Builder.ConnectionString;

        /// <summary>For messages and records: no password, ever.</summary>
        public string Display =>
            $"postgres://{Uri.EscapeDataString(Builder.Username ?? "")}@{Builder.Host}:{Builder.Port}/{Builder.Database}?schema={Schema}";

        /// <exception cref="StateStoreException">InvalidConnection, naming what is wrong (never the password).</exception>
        public static PostgresConnection Parse(string text, Func<string, string?>? environment = null)
        {
            environment ??= Environment.GetEnvironmentVariable;
            if (string.IsNullOrWhiteSpace(text))
            {
                throw Invalid("it is empty");
            }
            text = text.Trim();
            var builder = new NpgsqlConnectionStringBuilder();
            string? schema = text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? FromUri(text, builder)
                : FromKeyValues(text, builder);
            FillFromEnvironment(builder, environment);
            schema ??= DefaultSchema;
            if (!SchemaName.IsMatch(schema))
            {
                throw Invalid($"the schema '{schema}' is not a plain lower-case PostgreSQL name (letters, digits, '_', at most 63)");
            }
            builder.SearchPath = schema;
            if (string.IsNullOrEmpty(builder.ApplicationName))
            {
                builder.ApplicationName = "sbkube";
            }
            return new PostgresConnection(builder, schema);
        }

        private static string? FromUri(string text, NpgsqlConnectionStringBuilder b)
        {
            int scheme = text.IndexOf("://", StringComparison.Ordinal) + 3;
            string rest = text.Substring(scheme);
            string query = "";
            int q = rest.IndexOf('?');
            if (q >= 0)
            {
                query = rest.Substring(q + 1);
                rest = rest.Substring(0, q);
            }
            int slash = rest.IndexOf('/');
            string authority = slash >= 0 ? rest.Substring(0, slash) : rest;
            string database = slash >= 0 ? Decode(rest.Substring(slash + 1)) : "";
            int at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                string userInfo = authority.Substring(0, at);
                authority = authority.Substring(at + 1);
                int colon = userInfo.IndexOf(':');
                b.Username = Decode(colon >= 0 ? userInfo.Substring(0, colon) : userInfo);
                if (colon >= 0)
                {
                    b.Password = Decode(userInfo.Substring(colon + 1));
                }
            }
            (string host, int? port) = SplitHostPort(authority);
            if (host.Length > 0)
            {
                b.Host = host;
            }
            if (port.HasValue)
            {
                b.Port = port.Value;
            }
            if (database.Length > 0)
            {
                b.Database = database;
            }

            string? schema = null;
            foreach (string pair in query.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string key = Decode(eq >= 0 ? pair.Substring(0, eq) : pair).ToLowerInvariant();
                string value = eq >= 0 ? Decode(pair.Substring(eq + 1)) : "";
                switch (key)
                {
                    case "schema": schema = value; break;
                    case "sslmode": b.SslMode = ParseSslMode(value); break;
                    case "host": b.Host = value; break;
                    case "port": b.Port = ParsePort(value); break;
                    case "user": b.Username = value; break;
                    case "password": b.Password = value; break;
                    case "dbname": b.Database = value; break;
                    case "passfile": b.Passfile = value; break;
                    case "application_name": b.ApplicationName = value; break;
                    case "connect_timeout": b.Timeout = ParseInt(key, value); break;
                    case "sslrootcert": b.RootCertificate = value; break;
                    case "sslcert": b.SslCertificate = value; break;
                    case "sslkey": b.SslKey = value; break;
                    default:
                        throw Invalid($"the URI option '{key}' is not one SBKube knows (schema, sslmode, host, port, user, password, " +
                            "dbname, passfile, application_name, connect_timeout, sslrootcert, sslcert, sslkey)");
                }
            }
            return schema;
        }

        private static string? FromKeyValues(string text, NpgsqlConnectionStringBuilder b)
        {
            var generic = new DbConnectionStringBuilder();
            try
            {
                generic.ConnectionString = text;
            }
            catch (ArgumentException)
            {
                throw Invalid("it is neither a postgres:// URI nor a key=value;key=value connection string");
            }
            string? schema = null;
            foreach (string key in new List<string>(KeysOf(generic)))
            {
                if (string.Equals(key, "schema", StringComparison.OrdinalIgnoreCase))
                {
                    schema = Convert.ToString(generic[key], CultureInfo.InvariantCulture);
                    continue;
                }
                try
                {
                    b[key] = generic[key];
                }
                catch (Exception e) when (e is ArgumentException || e is FormatException || e is InvalidCastException)
                {
                    throw Invalid($"the key '{key}' is not a valid Npgsql connection setting");
                }
            }
            return schema;
        }

        private static IEnumerable<string> KeysOf(DbConnectionStringBuilder b)
        {
            foreach (object key in b.Keys)
            {
                yield return (string)key;
            }
        }

        /// <summary>libpq's variables, for what the string leaves out.</summary>
        private static void FillFromEnvironment(NpgsqlConnectionStringBuilder b, Func<string, string?> env)
        {
            if (string.IsNullOrEmpty(b.Host))
            {
                b.Host = env("PGHOST") is { Length: > 0 } h ? h : "localhost";
            }
            if (!WasSet(b, "Port") && env("PGPORT") is { Length: > 0 } p)
            {
                b.Port = ParsePort(p);
            }
            if (string.IsNullOrEmpty(b.Username))
            {
                b.Username = env("PGUSER") is { Length: > 0 } u ? u : Environment.UserName;
            }
            if (string.IsNullOrEmpty(b.Password) && env("PGPASSWORD") is { Length: > 0 } pw)
            {
                b.Password = pw;
            }
            if (string.IsNullOrEmpty(b.Database))
            {
                b.Database = env("PGDATABASE") is { Length: > 0 } d ? d : b.Username;
            }
            if (string.IsNullOrEmpty(b.Passfile) && env("PGPASSFILE") is { Length: > 0 } pf)
            {
                b.Passfile = pf;
            }
            if (!WasSet(b, "SSL Mode") && env("PGSSLMODE") is { Length: > 0 } ssl)
            {
                b.SslMode = ParseSslMode(ssl);
            }
        }

        private static bool WasSet(NpgsqlConnectionStringBuilder b, string key) =>
            b.ConnectionString.IndexOf(key + "=", StringComparison.OrdinalIgnoreCase) >= 0;

        private static (string Host, int? Port) SplitHostPort(string authority)
        {
            if (authority.Length == 0)
            {
                return ("", null);
            }
            if (authority.StartsWith("[", StringComparison.Ordinal))
            {
                int close = authority.IndexOf(']');
                string host = authority.Substring(1, close - 1);
                string after = authority.Substring(close + 1);
                return (host, after.StartsWith(":", StringComparison.Ordinal) ? ParsePort(after.Substring(1)) : (int?)null);
            }
            int colon = authority.LastIndexOf(':');
            return colon >= 0 && authority.IndexOf(',') < 0
                ? (Decode(authority.Substring(0, colon)), ParsePort(authority.Substring(colon + 1)))
                : (Decode(authority), (int?)null);
        }

        private static SslMode ParseSslMode(string value) => value.ToLowerInvariant() switch
        {
            "disable" => SslMode.Disable,
            "allow" => SslMode.Allow,
            "prefer" => SslMode.Prefer,
            "require" => SslMode.Require,
            "verify-ca" => SslMode.VerifyCA,
            "verify-full" => SslMode.VerifyFull,
            _ => throw Invalid($"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
        };

        private static int ParsePort(string value)
        {
            int port = ParseInt("port", value);
            return port > 0 && port < 65536 ? port : throw Invalid($"the port '{value}' is not between 1 and 65535");
        }

        private static int ParseInt(string key, string value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
                ? n : throw Invalid($"{key} '{value}' is not a whole number");

        private static string Decode(string s) => Uri.UnescapeDataString(s);

        private static StateStoreException Invalid(string why) =>
            new StateStoreException(StateStoreErrorKind.InvalidConnection, StateLocation.ConnectionVariable,
                $"The PostgreSQL connection is not usable: {why}. " +
                "Expected postgres://user@host:5432/database?sslmode=require&schema=sbkube, or Host=...;Username=...;Database=...",
                input: EngineInput.StateConnection);
    }
}
