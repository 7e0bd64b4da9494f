using System.Collections.Generic;
using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Releases your own lock on a namespace, or breaks another's by ID with -Force.</summary>
    [Cmdlet(VerbsCommon.Unlock, "SbkubeNamespace", SupportsShouldProcess = true, DefaultParameterSetName = "Own")]
    [OutputType(typeof(LockRecord))]
    public sealed class UnlockSbkubeNamespaceCommand : SbkubeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Own", ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string Namespace { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = "ById", ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LockIdCompleter))]
        public string LockId { get; set; } = "";

        /// <summary>Break a lock that someone else holds (like terraform force-unlock).</summary>
        [Parameter(ParameterSetName = "ById")]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the released locks; like other Remove/Unlock cmdlets it writes nothing otherwise.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            if (ParameterSetName == "ById")
            {
                if (ShouldProcess(LockId, Force ? "Break lock" : "Release lock"))
                {
                    Released(new[] { NamespaceLocks.UnlockById(Store, LockId, Force.IsPresent) });
                }
                return;
            }
            if (ShouldProcess(Namespace, "Release your locks"))
            {
                Released(NamespaceLocks.UnlockOwn(Store, Namespace));
            }
        });

        private void Released(IReadOnlyList<LockRecord> locks)
        {
            foreach (LockRecord l in locks)
            {
                WriteVerbose($"Released lock {l.LockId} on {l.Namespace}{(l.App == LockRecord.WholeNamespace ? "" : "/" + l.App)} held by {l.Owner}.");
            }
            if (PassThru)
            {
                WriteObject(locks, enumerateCollection: true);
            }
        }
    }
}
