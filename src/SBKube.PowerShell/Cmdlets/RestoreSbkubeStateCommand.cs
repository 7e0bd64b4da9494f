using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core;
using SBKube.Core.Engine;
using SBKube.Core.Helm;
using SBKube.Core.State;
using SBKube.Core.Tools;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>
    /// Replaces the state DB with a backup after validating it; the replaced DB is kept as state.db.bak.
    /// Does not open the current DB first: it may be the broken file being replaced. Then asks Helm which
    /// apps it has moved past the restored record (a backup is older than the cluster).
    /// </summary>
    [Cmdlet(VerbsData.Restore, "SbkubeState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RestoreResult))]
    public sealed class RestoreSbkubeStateCommand : ClusterCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Source { get; set; } = "";

        protected override string Activity => "Restore-SbkubeState";

        protected override object? ErrorTarget => Source;

        protected override async Task ProcessRecordAsync(CancellationToken stopping)
        {
            string source = ResolvePath(Source);
            StateLocation location = StateLocation;
            if (location.IsPostgres)
            {
                Fail(ErrorIds.StateStore(StateStoreErrorKind.NotSupported), ErrorCategory.InvalidOperation,
                    "Restore-SbkubeState replaces an SQLite file; the state is on PostgreSQL. Restore a pg_dump with pg_restore, " +
                    "or load an Export-SbkubeState file with Import-SbkubeState.", StateConnection);
            }
            string target = location.Path ?? StateStore.DefaultPath();
            if (!ShouldProcess(target, $"Replace the state database with '{source}' (the current one is kept as '{target}.bak')"))
            {
                return;
            }
            RestoreResult result = StateStore.Restore(source, target);
            result.HelmAhead = await HelmAheadAsync(stopping).ConfigureAwait(true);
            WriteObject(result);
        }

        /// <summary>The apps Helm has moved past the restored record, each named in a warning; none when Helm cannot be asked.</summary>
        private async Task<IReadOnlyList<DriftReport>> HelmAheadAsync(CancellationToken stopping)
        {
            try
            {
                var session = NewSession();
                IReadOnlyList<DriftReport> ahead = await DriftDetector.FindHelmAheadAsync(session, Store, stopping).ConfigureAwait(true);
                foreach (DriftReport r in ahead)
                {
                    WriteWarning($"{r.Namespace}/{r.App}: Helm is at revision {r.HelmRevision}, the restored store knew " +
                        $"{r.RecordedHelmRevision?.ToString(CultureInfo.InvariantCulture) ?? "none"}. " +
                        "Its next apply records Helm's release as an upgrade with a new revision number.");
                }
                return ahead;
            }
            catch (Exception e) when (ErrorClassifier.IsToolFailure(e))
            {
                WriteWarning($"The state database is restored, but Helm could not be asked whether it is ahead of it ({e.Message}). " +
                    "Run Test-SbkubeDrift once the cluster can be reached.");
                return Array.Empty<DriftReport>();
            }
        }
    }
}
