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
        public string LockId { get; set; } = "";

        /// <summary>Break a lock that someone else holds (like terraform force-unlock).</summary>
        [Parameter(ParameterSetName = "ById")]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            if (ParameterSetName == "ById")
            {
                if (ShouldProcess(LockId, Force ? "Break lock" : "Release lock"))
                {
                    WriteObject(NamespaceLocks.UnlockById(Store, LockId, Force.IsPresent));
                }
                return;
            }
            if (ShouldProcess(Namespace, "Release your locks"))
            {
                WriteObject(NamespaceLocks.UnlockOwn(Store, Namespace), enumerateCollection: true);
            }
        });
    }
}
