using System;

namespace SBKube.Core
{
    /// <summary>
    /// What a user can do about a failure or warning, as data. The engine names no command or
    /// parameter of its host; the host (the cmdlets) words each kind in its own commands. The kinds are
    /// strings so a result's Next reads the same in ConvertTo-Json as on screen.
    /// </summary>
    public static class NextStepKind
    {
        public const string RestoreBackup = nameof(RestoreBackup);
        public const string RestoreOrMoveRows = nameof(RestoreOrMoveRows);
        public const string BackUpPostgres = nameof(BackUpPostgres);
        public const string Overwrite = nameof(Overwrite);
        public const string NameKubeContext = nameof(NameKubeContext);
        public const string CheckStatePath = nameof(CheckStatePath);
        public const string CheckStateConnection = nameof(CheckStateConnection);
        public const string StopMetricsServer = nameof(StopMetricsServer);
        public const string ChooseListener = nameof(ChooseListener);
        public const string ListApps = nameof(ListApps);
        public const string ListLocks = nameof(ListLocks);
        public const string BreakLock = nameof(BreakLock);
        public const string WaitOrBreakLock = nameof(WaitOrBreakLock);
        public const string CheckStateAndRetry = nameof(CheckStateAndRetry);
        public const string AllowFailed = nameof(AllowFailed);
        public const string CheckRepositoryCredentials = nameof(CheckRepositoryCredentials);
        public const string CheckRepositoryAddress = nameof(CheckRepositoryAddress);
        public const string CheckRepositoryTls = nameof(CheckRepositoryTls);
        public const string CheckChartVersion = nameof(CheckChartVersion);
        public const string FixChart = nameof(FixChart);
        public const string FixValues = nameof(FixValues);
        public const string FreeReleaseName = nameof(FreeReleaseName);
        public const string ResolveFieldConflict = nameof(ResolveFieldConflict);
        public const string GetPermission = nameof(GetPermission);
        public const string CheckReadiness = nameof(CheckReadiness);
        public const string CheckCluster = nameof(CheckCluster);
        public const string SettlePending = nameof(SettlePending);
        public const string RecoverStuckRelease = nameof(RecoverStuckRelease);
    }

    /// <summary>Which of the operation's inputs a failure is about; the host prefixes its parameter name.</summary>
    public enum EngineInput
    {
        AppSelection,
        StateLocation,
        StateConnection,
        ListenAddress,
    }

    /// <summary>A next step and the facts its wording needs; unused fields stay null.</summary>
    public sealed class NextStep
    {
        public NextStep(string kind) => Kind = kind;

        /// <summary>One of the <see cref="NextStepKind"/> names.</summary>
        public string Kind { get; }
        public string? Namespace { get; set; }
        public string? App { get; set; }
        public int? Revision { get; set; }
        public string? LockId { get; set; }
        public int? Port { get; set; }
        public string? Release { get; set; }
    }

    /// <summary>A failure the host words in its own terms: which input it is about and what to do next.</summary>
    public abstract class GuidedException : Exception
    {
        private string? _hostWording;

        protected GuidedException(string message, Exception? inner, NextStep? next, EngineInput? input)
            : base(message, inner)
        {
            Next = next;
            Input = input;
        }

        public EngineInput? Input { get; }
        public NextStep? Next { get; }

        /// <summary>The host's wording once it gave one, else the engine's own message.</summary>
        public override string Message => _hostWording ?? base.Message;

        /// <summary>The engine's own message: the facts, without the host's wording.</summary>
        public string EngineMessage => base.Message;

        /// <summary>Replaces the message with the host's wording (the facts plus its parameter and command names).</summary>
        public void UseHostWording(string message) => _hostWording = message;
    }
}
