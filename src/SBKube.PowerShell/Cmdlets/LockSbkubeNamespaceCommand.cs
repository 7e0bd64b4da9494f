using System;
using System.Management.Automation;
using SBKube.Core;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Freezes a namespace (maintenance window): applies, rollbacks and deletes there are refused.</summary>
    [Cmdlet(VerbsCommon.Lock, "SbkubeNamespace", SupportsShouldProcess = true)]
    [OutputType(typeof(LockRecord))]
    public sealed class LockSbkubeNamespaceCommand : SbkubeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string Namespace { get; set; } = "";

        /// <summary>Shown to whoever is refused.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Reason { get; set; }

        /// <summary>How long the freeze lasts: 30m, 2h, 1d, seconds or hh:mm:ss. Default: until unlocked.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Duration { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        [ValidateKubeName(KubeName.Context)]
        public string? KubeContext { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            TimeSpan? duration = Duration == null ? (TimeSpan?)null : DurationText.ParseLease(Duration, "-Duration");
            if (ShouldProcess(Namespace, "Freeze" + (duration.HasValue ? " for " + duration.Value : " until unlocked")))
            {
                WriteObject(NamespaceLocks.Freeze(Store, Namespace, KubeContext, Reason, duration));
            }
        }, Namespace);
    }
}
