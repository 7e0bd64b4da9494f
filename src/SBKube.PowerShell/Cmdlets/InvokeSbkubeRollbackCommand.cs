using System.Management.Automation;
using SBKube.PowerShell.Completion;
using System.Threading;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Rolls an app back to any recorded revision (seed: sbkube rollback).</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SbkubeRollback", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AppResult))]
    public sealed class InvokeSbkubeRollbackCommand : DeployCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string Namespace { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string App { get; set; } = "";

        /// <summary>The revision to return to: a number or <c>current</c>.</summary>
        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RevisionCompleter))]
        public string Revision { get; set; } = "";

        /// <summary>Helm's --force: recreate resources (pods).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Allow a target revision whose deployment failed.</summary>
        [Parameter]
        public SwitchParameter AllowFailed { get; set; }

        private EngineRunner? _runner;

        protected override void ProcessRecord() => Guard(() =>
        {
            RevisionRef target = RevisionRef.Parse(Revision);
            IStateStore store = Store; // opened here: the engine threads must not write warnings
            var options = new RollbackOptions
            {
                Force = Force.IsPresent,
                AllowFailed = AllowFailed.IsPresent,
                Lock = Lock.IsPresent,
                LockTimeout = LockWait,
            };
            EngineRunner runner = _runner = new EngineRunner(this, $"Invoke-SbkubeRollback {Namespace}/{App}");
            string? kubeconfig = Kubeconfig == null ? null : ResolvePath(Kubeconfig);
            // Plan once (one helm history), confirm on the pipeline thread, execute that plan.
            var engine = new RollbackEngine(EngineSession.Create(store, KubeContext, kubeconfig, runner));
            RollbackPlan? plan = null;
            runner.Run(async (log, stop) => plan = await engine.PlanAsync(Namespace, App, target, options, stop).ConfigureAwait(false));
            if (!ShouldProcess($"{Namespace}/{App}", plan!.Description))
            {
                return;
            }
            runner.Run(async (log, stop) =>
            {
                // Not cancelled by Ctrl+C: stopping helm halfway would leave the release pending-rollback.
                AppResult r = await engine.RunAsync(plan, options, CancellationToken.None).ConfigureAwait(false);
                runner.Post(() => EmitResult(r));
            });
        }, $"{Namespace}/{App}");

        protected override void StopProcessing() => _runner?.Stop.Cancel();
    }
}
