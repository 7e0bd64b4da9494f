using System.Globalization;
using SBKube.Core;

namespace SBKube.PowerShell
{
    /// <summary>
    /// Words the engine's next steps and inputs in this module's cmdlets and parameters, so the engine
    /// itself never names a command of its host.
    /// </summary>
    internal static class NextStepWording
    {
        internal static string Of(NextStep next) => next.Kind switch
        {
            NextStepKind.RestoreBackup => "Restore a backup with Restore-SbkubeState.",
            NextStepKind.RestoreOrMoveRows =>
                "Restore a backup with Restore-SbkubeState, or move its rows with Export-SbkubeState and Import-SbkubeState.",
            NextStepKind.BackUpPostgres =>
                "Back it up with pg_dump (for example: pg_dump --schema=<schema> <database>), or write a portable copy with Export-SbkubeState.",
            NextStepKind.Overwrite => "Use -Force to overwrite it.",
            NextStepKind.NameKubeContext => "Say which one with -KubeContext.",
            NextStepKind.CheckStatePath => "Check -StatePath and $env:SBKUBE_STATE_DB.",
            NextStepKind.CheckStateConnection => "Check -StateConnection and $env:SBKUBE_STATE_CONNECTION.",
            NextStepKind.StopMetricsServer => $"Stop it with Stop-SbkubeMetricsServer -Port {Number(next.Port)}.",
            NextStepKind.ChooseListener => "Choose another -Port or -Address, or stop what uses it.",
            NextStepKind.ListApps => "See Get-SbkubeState for what is.",
            NextStepKind.ListLocks => "See Get-SbkubeLock.",
            NextStepKind.BreakLock => $"To break another's lock: Unlock-SbkubeNamespace -LockId {next.LockId ?? "<id>"} -Force.",
            NextStepKind.WaitOrBreakLock =>
                $"Wait with -LockTimeout, or if that holder is gone: Unlock-SbkubeNamespace -LockId {next.LockId} -Force.",
            NextStepKind.CheckStateAndRetry => "Check Get-SbkubeState and run the operation again.",
            NextStepKind.AllowFailed => "Roll back to it only with -AllowFailed.",
            NextStepKind.CheckRepositoryCredentials => "Check the username and password of that repository or registry in sources.yaml.",
            NextStepKind.CheckRepositoryAddress => "Check its URL in sources.yaml, and that it can be reached from this host.",
            NextStepKind.CheckRepositoryTls =>
                "Check that its certificate is trusted here (ca_file in sources.yaml), or set plain_http: true for a registry that speaks plain HTTP.",
            NextStepKind.CheckChartVersion => "Check the app's chart and version in config.yaml (helm search repo <repo>/<chart> --versions lists them).",
            NextStepKind.FixChart => "Fix the chart (helm lint <chart> shows where).",
            NextStepKind.FixValues => "Fix the app's values (its values files and set: in config.yaml) to fit the chart.",
            NextStepKind.FreeReleaseName => "Remove the objects another owner made, or give the app another release_name in config.yaml.",
            NextStepKind.ResolveFieldConflict => "Another field manager changed those fields: undo that change (kubectl edit or patch), then apply again.",
            NextStepKind.GetPermission => "Ask for the Kubernetes permission named above, or deploy with a kube context (-KubeContext) that has it.",
            NextStepKind.CheckReadiness => "Check why it is not ready (kubectl describe), or give the app a longer timeout: in config.yaml.",
            NextStepKind.CheckCluster => "Check the kube context (-KubeContext, -Kubeconfig) and that its cluster can be reached from this host.",
            NextStepKind.SettlePending =>
                $"Then Repair-SbkubeState -Namespace {next.Namespace} -App {next.App} records what Helm did (so does the next apply, rollback or delete of it).",
            NextStepKind.RecoverStuckRelease =>
                $"Once no run is at work on it: Repair-SbkubeState{(next.App == null ? "" : $" -Namespace {next.Namespace} -App {next.App}")} recovers it (-WhatIf shows how).",
            _ => "",
        };

        /// <summary>The parameters an input arrives by, as the start of the message about it.</summary>
        internal static string Of(EngineInput input) => input switch
        {
            EngineInput.AppSelection => "-App",
            EngineInput.StateLocation => "-StatePath and -StateConnection",
            EngineInput.StateConnection => "-StateConnection (or $env:SBKUBE_STATE_CONNECTION)",
            EngineInput.ListenAddress => "-Address",
            _ => input.ToString(),
        };

        /// <summary>Gives a guided failure its cmdlet wording once: the input's parameters first, the next step last.</summary>
        internal static void Apply(GuidedException failure)
        {
            if (failure.Input == null && failure.Next == null)
            {
                return;
            }
            string text = failure.EngineMessage;
            if (failure.Input is EngineInput input)
            {
                text = Of(input) + ": " + text;
            }
            if (failure.Next != null)
            {
                text = text + " " + Of(failure.Next);
            }
            failure.UseHostWording(text);
        }

        private static string Number(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";
    }
}
