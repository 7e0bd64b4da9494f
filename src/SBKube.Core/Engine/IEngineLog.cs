using System.Collections.Generic;

namespace SBKube.Core.Engine
{
    /// <summary>Where the engine reports as it works; the cmdlets forward these to PowerShell's streams.</summary>
    public interface IEngineLog
    {
        void Verbose(string message);
        void Debug(string message);
        void Warning(string message);

        /// <summary>A warning with what to do about it, which the host words in its own commands.</summary>
        void Warning(string message, NextStep next);
        void Progress(int done, int total, IReadOnlyCollection<string> running);
    }

    public sealed class NullEngineLog : IEngineLog
    {
        public static readonly NullEngineLog Instance = new NullEngineLog();

        public void Verbose(string message) { }
        public void Debug(string message) { }
        public void Warning(string message) { }
        public void Warning(string message, NextStep next) { }
        public void Progress(int done, int total, IReadOnlyCollection<string> running) { }
    }
}
