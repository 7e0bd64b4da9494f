using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Lists deployment locks and freezes (seed: sbkube state locks).</summary>
    [Cmdlet(VerbsCommon.Get, "SbkubeLock")]
    [OutputType(typeof(LockRecord))]
    public sealed class GetSbkubeLockCommand : SbkubeCmdlet
    {
        protected override bool ReadsOnly => true;

        protected override bool NotFoundGoesOn => true;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            if (!NothingRecordedHere())
            {
                WriteObject(Store.Locks(Namespace), enumerateCollection: true);
            }
        });
    }
}
