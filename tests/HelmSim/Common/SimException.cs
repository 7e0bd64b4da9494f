using System;

namespace HelmSim
{
    /// <summary>A failure reported to the user as "Error: message" (or raw text) with an exit code.</summary>
    public sealed class SimException : Exception
    {
        public SimException(string message, int exitCode = 1, bool raw = false, string? extra = null) : base(message)
        {
            ExitCode = exitCode;
            Raw = raw;
            Extra = extra;
        }

        public int ExitCode { get; }

        /// <summary>Print the message verbatim (no "Error: " prefix).</summary>
        public bool Raw { get; }

        /// <summary>Extra text printed on stderr after the error line (e.g. usage).</summary>
        public string? Extra { get; }
    }
}
