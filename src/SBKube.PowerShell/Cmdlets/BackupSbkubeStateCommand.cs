using System.IO;
using System.Management.Automation;
using SBKube.Core;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>A consistent copy of the state DB through SQLite's online backup API, safe while others write.</summary>
    [Cmdlet(VerbsData.Backup, "SbkubeState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class BackupSbkubeStateCommand : SbkubeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = "";

        /// <summary>Overwrite an existing destination file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            string dest = ResolvePath(Destination);
            if (File.Exists(dest) && !Force)
            {
                Fail(ErrorIds.BackupDestinationExists, ErrorCategory.ResourceExists,
                    $"'{dest}' already exists; use -Force to overwrite it.", dest);
            }
            if (ShouldProcess(dest, $"Back up the state database '{Store.Path}'"))
            {
                WriteObject(Store.Backup(dest, overwrite: Force.IsPresent));
            }
        }, Destination);
    }
}
