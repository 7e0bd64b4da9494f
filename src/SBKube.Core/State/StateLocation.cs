using System;

namespace SBKube.Core.State
{
    /// <summary>
    /// Where the state lives, as the user named it: a PostgreSQL connection (team state) or an SQLite
    /// file. Precedence: an explicit connection or path, then <c>$env:SBKUBE_STATE_CONNECTION</c>, then
    /// <c>$env:SBKUBE_STATE_DB</c>, then <c>~/.sbkube/state.db</c>.
    /// </summary>
    public sealed class StateLocation
    {
        public const string ConnectionVariable = "SBKUBE_STATE_CONNECTION";
        public const string PathVariable = "SBKUBE_STATE_DB";

        private StateLocation(string? path, string? connection)
        {
            Path = path;
            Connection = connection;
        }

        /// <summary>The SQLite file; null means the default (<c>$env:SBKUBE_STATE_DB</c>, else <c>~/.sbkube/state.db</c>).</summary>
        public string? Path { get; }

        /// <summary>A PostgreSQL URI or Npgsql connection string; null for SQLite.</summary>
        public string? Connection { get; }

        public bool IsPostgres => Connection != null;

        /// <summary>
        /// Decides from the parameters and the environment. An explicit path wins over the connection
        /// variable (and the other way round), so <c>-StatePath</c> always means that file.
        /// </summary>
        /// <exception cref="StateStoreException">Both a path and a connection were given.</exception>
        public static StateLocation Resolve(string? path, string? connection)
        {
            if (!string.IsNullOrWhiteSpace(path) && !string.IsNullOrWhiteSpace(connection))
            {
                throw new StateStoreException(StateStoreErrorKind.InvalidConnection, path!,
                    "A state file and a PostgreSQL connection name two different state stores; give one of them.",
                    input: EngineInput.StateLocation);
            }
            if (!string.IsNullOrWhiteSpace(connection))
            {
                return new StateLocation(null, connection);
            }
            if (!string.IsNullOrWhiteSpace(path))
            {
                return new StateLocation(path, null);
            }
            string? fromEnv = Environment.GetEnvironmentVariable(ConnectionVariable);
            return string.IsNullOrWhiteSpace(fromEnv) ? new StateLocation(null, null) : new StateLocation(null, fromEnv);
        }

        public static StateLocation ForPath(string? path) => new StateLocation(path, null);
    }
}
