using System;

namespace SBKube.Core
{
    /// <summary>
    /// What a user can do about a failure or warning, as data. The engine names no command or
    /// parameter of its host; the host (the cmdlets) words each kind in its own commands.
    /// </summary>
    public enum NextStepKind
    {
        RestoreBackup,
        RestoreOrMoveRows,
        BackUpPostgres,
        Overwrite,
        NameKubeContext,
        CheckStatePath,
        CheckStateConnection,
        StopMetricsServer,
        ChooseListener,
        ListApps,
        ListLocks,
        BreakLock,
        WaitOrBreakLock,
        CheckStateAndRetry,
        RollBack,
        HelmRollbackOrRemove,
        AllowFailed,
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
        public NextStep(NextStepKind kind) => Kind = kind;

        public NextStepKind Kind { get; }
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
