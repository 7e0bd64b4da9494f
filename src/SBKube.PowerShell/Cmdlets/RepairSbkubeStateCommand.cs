using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Completion;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>
    /// Settles the pending revisions a killed run left in one kube context: deployed when Helm
    /// finished the work, failed (interrupted) when it did not. Then recovers the releases Helm shows
    /// stuck pending that no run is at work on. Whatever may still be at work is left alone with a
    /// warning. Emits each settled revision and each recovery.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Repair, "SbkubeState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(DeploymentRecord))]
    public sealed class RepairSbkubeStateCommand : ClusterCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string? App { get; set; }

        protected override string Activity => "Repair-SbkubeState";

        protected override object? ErrorTarget => Namespace;

        protected override async Task ProcessRecordAsync(CancellationToken stopping)
        {
            EngineSession session = NewSession();
            // Plan from the store alone, confirm each row, then ask Helm only about the confirmed ones.
            var confirmed = new List<DeploymentRecord>();
            foreach (PendingRevision p in Reconciler.Inspect(session, Namespace, App))
            {
                if (p.IsBusy)
                {
                    WriteWarning($"{p.Record} is left pending: {p.BusyBecause}.");
                }
                else if (ShouldProcess($"{p.Record.Namespace}/{p.Record.App} revision {p.Record.Revision}",
                    $"Settle the {p.Record.Status} revision against Helm"))
                {
                    confirmed.Add(p.Record);
                }
            }
            foreach (DeploymentRecord row in confirmed)
            {
                stopping.ThrowIfCancellationRequested();
                WriteObject(Masked(await Reconciler.SettleAsync(session, row, stopping)));
            }
            await RecoverStuckReleasesAsync(session, stopping);
        }

        /// <summary>Then the releases Helm shows stuck pending (one helm history per app in scope): the orphaned ones are recovered.</summary>
        private async Task RecoverStuckReleasesAsync(EngineSession session, CancellationToken stopping)
        {
            foreach ((string context, string ns, string app) in Store.Apps())
            {
                if (context != session.Context || (Namespace != null && ns != Namespace) || (App != null && app != App)
                    || Store.GetLatest(ns, app, context) is not DeploymentRecord latest)
                {
                    continue;
                }
                stopping.ThrowIfCancellationRequested();
                if (await StuckReleases.FindAsync(session, latest, stopping) is not StuckRelease stuck)
                {
                    continue;
                }
                if (stuck.IsBusy)
                {
                    WriteWarning($"{stuck} and is left alone: {stuck.BusyBecause}.");
                }
                else if (ShouldProcess($"{ns}/{app} (release {stuck.Latest.ReleaseName})", $"{stuck}; recover it: {stuck.Recovery}"))
                {
                    AppResult? result;
                    try
                    {
                        result = await StuckReleases.RecoverAsync(session, stuck, stopping);
                    }
                    catch (Core.SbkubeException busy) when (busy.Kind == Core.ErrorKind.ResourceBusy && ErrorMapper.TryMap(busy, $"{ns}/{app}", out ErrorRecord? record))
                    {
                        // Another run took the app meanwhile: the other apps are still recovered.
                        WriteError(record!);
                        continue;
                    }
                    if (result?.Outcome == Core.Engine.AppOutcome.Failed)
                    {
                        WriteError(ErrorMapper.ForResult(result));
                    }
                    else if (result?.Record != null)
                    {
                        WriteObject(Masked(result.Record));
                    }
                }
            }
        }
    }
}
