using System;
using System.Collections.Generic;
using Npgsql;
using SBKube.Core.State;
using SBKube.Core.State.Backends;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>-StateConnection: URIs, Npgsql strings, the PG* variables, the schema, and redaction.</summary>
    public sealed class PostgresConnectionTests
    {
        private static PostgresConnection Parse(string text, Dictionary<string, string>? env = null) =>
            PostgresConnection.Parse(text, name => env != null && env.TryGetValue(name, out string? v) ? v : null);

        [Fact]
        public void A_full_uri_sets_every_part()
        {
            PostgresConnection c = Parse("postgres://deployer:p%40ss@db.example.com:6432/teamstate?sslmode=verify-full&schema=team_a&application_name=ci");
            Assert.Equal("deployer", c.Builder.Username);
            Assert.Equal("p@ss", c.Builder.Password);
            Assert.Equal("db.example.com", c.Builder.Host);
            Assert.Equal(6432, c.Builder.Port);
            Assert.Equal("teamstate", c.Builder.Database);
            Assert.Equal(SslMode.VerifyFull, c.Builder.SslMode);
            Assert.Equal("team_a", c.Schema);
            Assert.Equal("team_a", c.Builder.SearchPath);
            Assert.Equal("ci", c.Builder.ApplicationName);
        }

        [Fact]
        public void The_display_form_never_holds_the_password()
        {
            PostgresConnection c = Parse("postgresql://deployer:S3cretPw@db:5432/state");
            Assert.DoesNotContain("S3cretPw", c.Display, StringComparison.Ordinal);
            Assert.Equal("postgres://deployer@db:5432/state?schema=sbkube", c.Display);
        }

        [Fact]
        public void Npgsql_key_values_work_and_take_a_schema_key()
        {
            PostgresConnection c = Parse("Host=10.0.0.5;Port=5433;Username=u;Database=d;Schema=ops");
            Assert.Equal("10.0.0.5", c.Builder.Host);
            Assert.Equal(5433, c.Builder.Port);
            Assert.Equal("ops", c.Schema);
        }

        [Fact]
        public void Pg_variables_fill_only_what_the_string_leaves_out()
        {
            var env = new Dictionary<string, string>
            {
                ["PGHOST"] = "envhost", ["PGPORT"] = "7000", ["PGUSER"] = "envuser", ["PGPASSWORD"] = "envpw",
                ["PGDATABASE"] = "envdb", ["PGSSLMODE"] = "require", ["PGPASSFILE"] = "/secrets/pgpass",
            };
            PostgresConnection filled = Parse("postgres:///", env);
            Assert.Equal("envhost", filled.Builder.Host);
            Assert.Equal(7000, filled.Builder.Port);
            Assert.Equal("envuser", filled.Builder.Username);
            Assert.Equal("envpw", filled.Builder.Password);
            Assert.Equal("envdb", filled.Builder.Database);
            Assert.Equal(SslMode.Require, filled.Builder.SslMode);
            Assert.Equal("/secrets/pgpass", filled.Builder.Passfile);

            PostgresConnection given = Parse("postgres://me@myhost:5555/mydb?sslmode=disable", env);
            Assert.Equal("myhost", given.Builder.Host);
            Assert.Equal(5555, given.Builder.Port);
            Assert.Equal("me", given.Builder.Username);
            Assert.Equal("mydb", given.Builder.Database);
            Assert.Equal(SslMode.Disable, given.Builder.SslMode);
        }

        [Fact]
        public void A_unix_socket_folder_can_be_the_host()
        {
            Assert.Equal("/run/postgresql", Parse("postgres://u@%2Frun%2Fpostgresql/db").Builder.Host);
            Assert.Equal("/tmp/pg", Parse("postgres://u@/db?host=/tmp/pg").Builder.Host);
        }

        [Theory]
        [InlineData("postgres://u@h/db?schema=Team-A", "schema 'Team-A'")]
        [InlineData("postgres://u@h/db?schema=x;drop", "schema 'x;drop'")]
        [InlineData("postgres://u@h:99999/db", "port '99999'")]
        [InlineData("postgres://u@h/db?sslmode=sometimes", "sslmode 'sometimes'")]
        [InlineData("postgres://u@h/db?colour=blue", "option 'colour'")]
        [InlineData("Host=h;Bogus Key=1", "key 'bogus key'")]
        [InlineData("   ", "empty")]
        public void Bad_connections_say_what_is_wrong_and_what_was_expected(string text, string expected)
        {
            StateStoreException e = Assert.Throws<StateStoreException>(() => Parse(text));
            Assert.Equal(StateStoreErrorKind.InvalidConnection, e.Kind);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
            Assert.Contains("Expected postgres://", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_bad_password_in_a_bad_string_is_not_echoed()
        {
            StateStoreException e = Assert.Throws<StateStoreException>(() => Parse("postgres://u:Hunter2Pw@h:notaport/db"));
            Assert.DoesNotContain("Hunter2Pw", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Path_and_connection_together_is_an_error()
        {
            StateStoreException e = Assert.Throws<StateStoreException>(() => StateLocation.Resolve("/tmp/x.db", "postgres://u@h/db"));
            Assert.Equal(StateStoreErrorKind.InvalidConnection, e.Kind);
            Assert.Equal(EngineInput.StateLocation, e.Input);
            Assert.DoesNotContain("-State", e.Message, StringComparison.Ordinal);
        }
    }
}
