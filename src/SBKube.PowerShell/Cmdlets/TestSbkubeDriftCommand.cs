using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Reports releases changed outside SBKube (helm run by hand); changes nothing.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "SbkubeDrift")]
    [OutputType(typeof(DriftReport))]
    public sealed class TestSbkubeDriftCommand : ClusterCmdlet
    {
        protected override bool ReadsOnly => true;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string? App { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            IStateStore store = Store; // opened here: the engine threads must not write warnings
            var runner = new EngineRunner(this, "Test-SbkubeDrift");
            string? kubeconfig = Kubeconfig == null ? null : ResolvePath(Kubeconfig);
            runner.Run(async (log, stop) =>
            {
                var reports = await DriftDetector.FindAsync(EngineSession.Create(store, KubeContext, kubeconfig, log), Namespace, App, stop)
                    .ConfigureAwait(false);
                runner.Post(() => WriteObject(reports, enumerateCollection: true));
            });
        });
    }
}
