using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.State;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Lists recorded revisions (seed: sbkube state list).</summary>
    [Cmdlet(VerbsCommon.Get, "SbkubeState")]
    [OutputType(typeof(DeploymentRecord), typeof(string))]
    public sealed class GetSbkubeStateCommand : SbkubeCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string? App { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KubeContext { get; set; }

        /// <summary>Only the newest revision of each app.</summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        /// <summary>Json prints the seed's JSON list instead of objects.</summary>
        [Parameter]
        [ValidateSet("Object", "Json")]
        public string Format { get; set; } = "Object";

        protected override void ProcessRecord() => Guard(() =>
        {
            if (Store.Pending(Namespace).Count > 0)
            {
                // A killed run left pending rows: settle them against Helm before showing the state.
                var runner = new EngineRunner(this, "Get-SbkubeState");
                runner.Run((log, stop) => Reconciler.ReconcileAsync(EngineSession.Create(Store, KubeContext, null, log), Namespace, stop));
            }
            var rows = Store.List(Namespace, App, KubeContext, Latest.IsPresent);
            if (Format == "Json")
            {
                WriteObject(StateJson.ToJsonText(rows));
                return;
            }
            foreach (DeploymentRecord r in rows)
            {
                WriteObject(Masked(r));
            }
        });
    }
}
