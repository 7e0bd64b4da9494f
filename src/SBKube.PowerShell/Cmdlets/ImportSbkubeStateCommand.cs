using System.Management.Automation;
using SBKube.Core.State;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>
    /// Loads an Export-SbkubeState document in one transaction without creating duplicates; revisions that
    /// exist with other data are reported as conflicts and left as they are.
    /// </summary>
    [Cmdlet(VerbsData.Import, "SbkubeState", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ImportResult))]
    public sealed class ImportSbkubeStateCommand : SbkubeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        protected override void ProcessRecord() => Guard(() =>
        {
            string file = ResolvePath(Path);
            bool go = ShouldProcess($"Importing the revisions of '{file}' into '{Store.Path}'.",
                $"Import the revisions of '{file}' into '{Store.Path}'?", "Import-SbkubeState", out ShouldProcessReason reason);
            if (!go && reason != ShouldProcessReason.WhatIf)
            {
                return;
            }
            // -WhatIf still reads and checks everything (then rolls back), so its counts are exact.
            ImportResult result = Store.ImportFile(file, whatIf: !go);
            foreach (ImportConflict c in result.ConflictDetails)
            {
                WriteWarning("Conflict: " + c);
            }
            WriteObject(result);
        }, Path);
    }
}
