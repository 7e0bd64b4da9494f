using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SBKube.PowerShell.Completion;
using SBKube.Core.Config;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Deploys the apps of a config.yaml and records each change as a revision (seed: sbkube apply).</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SbkubeApply", SupportsShouldProcess = true)]
    [OutputType(typeof(AppResult), typeof(PlannedChange))]
    public sealed class InvokeSbkubeApplyCommand : DeployCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConfigPathCompleter))]
        public string Path { get; set; } = ".";

        /// <summary>Replaces the config's top-level namespace.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string[]? App { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Description { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        private string? _configFile;

        protected override string Activity => "Invoke-SbkubeApply " + (_configFile ?? Path);

        protected override object? ErrorTarget => Path;

        protected override async Task EndProcessingAsync(CancellationToken stopping)
        {
            SbkubeConfig config = ConfigLoader.Load(ResolvePath(Path), Namespace);
            _configFile = config.ConfigFile;
            var options = new ApplyOptions
            {
                Apps = App,
                Force = Force.IsPresent,
                Description = Description,
                ThrottleLimit = ThrottleLimit,
                Lock = Lock.IsPresent,
                LockTimeout = LockWait,
            };
            string? context = KubeContext ?? config.Sources.KubeContext;
            string? kubeconfig = Kubeconfig != null ? ResolvePath(Kubeconfig) : config.Sources.Kubeconfig;
            EngineSession session = EngineSession.Create(Store, context, kubeconfig, EngineLog);
            var engine = new ApplyEngine(session);
            void Emit(AppResult r) => PostOutput(() => EmitResult(r));
            if (!ConfirmationRequested(ConfirmImpact.Medium))
            {
                await engine.RunAsync(config, options, Emit, stopping);
                return;
            }
            // Plan once, confirm each change here on the pipeline thread, execute the confirmed part of that plan.
            // -WhatIf returns the plan: one object per app with its action and differences.
            ApplyPlan plan = await engine.PlanAsync(config, options);
            bool whatIf = WhatIfRequested;
            var confirmed = new List<string>();
            foreach (PlannedApp p in plan.Apps)
            {
                if (p.ChangesCluster && ShouldProcess($"{p.Namespace}/{p.Name}", p.Message))
                {
                    confirmed.Add(p.Name);
                }
                else if (whatIf)
                {
                    WriteObject(PlannedChange.From(p, session.Redactor));
                }
                else if (!p.ChangesCluster)
                {
                    WriteVerbose($"{p.Namespace}/{p.Name}: {p.Message}");
                }
            }
            if (confirmed.Count > 0)
            {
                await engine.ExecuteAsync(plan.Only(confirmed), options, Emit, stopping);
            }
        }
    }
}
