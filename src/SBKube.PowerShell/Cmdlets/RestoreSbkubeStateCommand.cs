using System.Management.Automation;
using SBKube.Core;
using SBKube.Core.State;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>
    /// Replaces the state DB with a backup after validating it; the replaced DB is kept as state.db.bak.
    /// Does not open the current DB first: it may be the broken file being replaced.
    /// </summary>
    [Cmdlet(VerbsData.Restore, "SbkubeState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RestoreResult))]
    public sealed class RestoreSbkubeStateCommand : SbkubeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Source { get; set; } = "";

        protected override void ProcessRecord() => Guard(() =>
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
            if (ShouldProcess(target, $"Replace the state database with '{source}' (the current one is kept as '{target}.bak')"))
            {
                WriteObject(StateStore.Restore(source, target));
            }
        }, Source);
    }
}
