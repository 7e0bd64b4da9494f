using System;
using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Revisions of one app, oldest first (seed: sbkube state history).</summary>
    [Cmdlet(VerbsCommon.Get, "SbkubeHistory")]
    [OutputType(typeof(DeploymentRecord))]
    public sealed class GetSbkubeHistoryCommand : ContextCmdlet
    {
        protected override bool ReadsOnly => true;

        protected override bool NotFoundGoesOn => true;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string Namespace { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string App { get; set; } = "";

        /// <summary>Keep only the newest N revisions (still oldest first, so the last one is the latest).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? Limit { get; set; }

        /// <summary>Only revisions deployed at or after this date/time (local time unless it says otherwise).</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            var rows = Store.History(Namespace, App, KubeContext, Limit, Since?.ToUniversalTime());
            if (rows.Count == 0 && Store.GetLatest(Namespace, App, KubeContext) == null)
            {
                throw RevisionRef.AppNotFound(Namespace, App);
            }
            foreach (DeploymentRecord r in rows)
            {
                WriteObject(WithView(Masked(r), "SBKube.HistoryRecord"));
            }
        }, $"{Namespace}/{App}");
    }
}
