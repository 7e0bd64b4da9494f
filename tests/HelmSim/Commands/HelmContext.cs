using System.IO;

namespace HelmSim.Commands
{
    /// <summary>What one helm invocation shares with the command it runs: its streams, its faults and the Helm major it plays.</summary>
    internal sealed class HelmContext(TextWriter stdout, TextWriter stderr, Faults faults)
    {
        public TextWriter Stdout { get; } = stdout;

        public TextWriter Stderr { get; } = stderr;

        public Faults Faults { get; } = faults;

        /// <summary>Helm 4 mode: some flags, defaults and messages differ from Helm 3.</summary>
        public bool V4 { get; } = faults.HelmMajor == 4;
    }
}
