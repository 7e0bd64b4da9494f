using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SBKube.PowerShell.Completion;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Rolls an app back to any recorded revision (seed: sbkube rollback).</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SbkubeRollback", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AppResult), typeof(PlannedChange))]
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

        /// <summary>The revision to return to: a number, <c>current</c> or <c>previous</c> (the newest good revision before the deployed one).</summary>
        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RevisionCompleter))]
        public string Revision { get; set; } = "";

        /// <summary>The seed's --force: recreate the app's pods once rolled back (kubectl rollout restart).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Why: recorded in the rollback's description, and the revision it leaves is recorded as failed with it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateLength(1, 500)]
        public string? Reason { get; set; }

        /// <summary>Allow a target revision whose deployment failed.</summary>
        [Parameter]
        public SwitchParameter AllowFailed { get; set; }

        protected override string Activity => $"Invoke-SbkubeRollback {Namespace}/{App}";

        protected override object? ErrorTarget => $"{Namespace}/{App}";

        protected override async Task ProcessRecordAsync(CancellationToken stopping)
        {
            RevisionRef target = RevisionRef.Parse(Revision, "-Revision");
            var options = new RollbackOptions
            {
                Force = Force.IsPresent,
                AllowFailed = AllowFailed.IsPresent,
                Reason = Reason,
                MarkLeftFailed = Reason != null,
                Lock = Lock.IsPresent,
                LockTimeout = LockWait,
            };
            // Plan once (one helm history), confirm, execute that plan.
            EngineSession session = NewSession();
            var engine = new RollbackEngine(session);
            RollbackPlan plan = await engine.PlanAsync(new RollbackTarget(Namespace, App, target), options, stopping);
            if (!ShouldProcess($"{Namespace}/{App}", plan.Operation))
            {
                if (WhatIfRequested)
                {
                    // -WhatIf returns the plan, as Invoke-SbkubeApply's does.
                    DeploymentRecord t = plan.Target;
                    WriteObject(PlannedChange.ForRollback(plan, Store.GetDeployed(t.Namespace, t.App, t.Context), session.Redactor));
                }
                return;
            }
            // Ctrl+C ends the lock wait; a rollback Helm has started runs to its end (see RunAsync).
            await engine.ExecuteAsync(plan, r => PostOutput(() => EmitResult(r)), stopping);
        }
    }
}
