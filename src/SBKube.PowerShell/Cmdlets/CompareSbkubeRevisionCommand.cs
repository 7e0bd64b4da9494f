using System.Collections.Generic;
using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.Security;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>What changed between two revisions of an app: chart, version and each values path.</summary>
    [Cmdlet(VerbsData.Compare, "SbkubeRevision")]
    [OutputType(typeof(RevisionDifference))]
    public sealed class CompareSbkubeRevisionCommand : ContextCmdlet
    {
        protected override bool ReadsOnly => true;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string Namespace { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string App { get; set; } = "";

        /// <summary>Default: the revision recorded just before the difference revision.</summary>
        [Parameter(Position = 2)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RevisionCompleter))]
        public string? ReferenceRevision { get; set; }

        /// <summary>Default: the current (deployed) revision; a piped record gives its own Revision.</summary>
        [Parameter(Position = 3, ValueFromPipelineByPropertyName = true)]
        [Alias("Revision")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RevisionCompleter))]
        public string DifferenceRevision { get; set; } = "current";

        [Parameter]
        public SwitchParameter ShowSecrets { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            DeploymentRecord b = RevisionRef.Parse(DifferenceRevision, "-DifferenceRevision").Resolve(Store, Namespace, App, KubeContext);
            DeploymentRecord? a = ReferenceRevision != null
                ? RevisionRef.Parse(ReferenceRevision, "-ReferenceRevision").Resolve(Store, Namespace, App, KubeContext)
                : RevisionRef.Before(HistoryOf(b), b);
            if (a == null)
            {
                WriteVerbose($"{Namespace}/{App} revision {b.Revision} is the first one recorded: nothing to compare it with.");
                return;
            }
            foreach (RevisionDifference d in RevisionComparer.Compare(a, b, Redactor, ShowSecrets.IsPresent))
            {
                WriteObject(d);
            }
        }, $"{Namespace}/{App}");

        // A piped history asks for each app's revisions once, not once per piped revision.
        private readonly Dictionary<(string Ns, string App, string Context), IReadOnlyList<DeploymentRecord>> _histories =
            new Dictionary<(string Ns, string App, string Context), IReadOnlyList<DeploymentRecord>>();

        private IReadOnlyList<DeploymentRecord> HistoryOf(DeploymentRecord r)
        {
            var key = (r.Namespace, r.App, r.Context);
            if (!_histories.TryGetValue(key, out IReadOnlyList<DeploymentRecord>? history))
            {
                _histories[key] = history = Store.History(r.Namespace, r.App, r.Context);
            }
            return history;
        }
    }
}
