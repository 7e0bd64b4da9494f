using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SBKube.PowerShell.Completion;
using SBKube.Core.Config;
using SBKube.Core.Engine;
using SBKube.Core.State;
using SBKube.PowerShell.Validation;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Deploys the apps of a config.yaml and records each change as a revision (seed: sbkube apply).</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SbkubeApply", SupportsShouldProcess = true)]
    [OutputType(typeof(AppResult))]
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

        private EngineRunner? _runner;

        protected override void EndProcessing() => Guard(() =>
        {
            SbkubeConfig config = ConfigLoader.Load(ResolvePath(Path), Namespace);
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

            if (ConfirmationRequested(ConfirmImpact.Medium))
            {
                var planned = new List<AppResult>();
                RunEngine(config, new ApplyOptions { Apps = App, Force = Force.IsPresent, Description = Description, WhatIf = true },
                    context, kubeconfig, planned.Add);
                var confirmed = new List<string>();
                foreach (AppResult p in planned)
                {
                    if (p.Outcome == AppOutcome.Planned && ShouldProcess($"{p.Namespace}/{p.App}", p.Message ?? "Apply"))
                    {
                        confirmed.Add(p.App);
                    }
                    else if (p.Outcome != AppOutcome.Planned)
                    {
                        WriteVerbose($"{p.Namespace}/{p.App}: {p.Outcome}");
                    }
                }
                if (confirmed.Count == 0)
                {
                    return;
                }
                options.Apps = confirmed;
            }
            RunEngine(config, options, context, kubeconfig, null);
        }, Path);

        private void RunEngine(SbkubeConfig config, ApplyOptions options, string? context, string? kubeconfig,
            System.Action<AppResult>? collect)
        {
            IStateStore store = Store; // opened here: the engine threads must not write warnings
            _runner = new EngineRunner(this, "Invoke-SbkubeApply " + config.ConfigFile);
            EngineRunner runner = _runner;
            runner.Run((log, stop) =>
            {
                EngineSession session = EngineSession.Create(store, context, kubeconfig, log);
                var engine = new ApplyEngine(session);
                return engine.RunAsync(config, options, r => runner.Post(() =>
                {
                    if (collect != null)
                    {
                        collect(r);
                    }
                    else
                    {
                        EmitResult(r);
                    }
                }), stop);
            });
        }

        protected override void StopProcessing() => _runner?.Stop.Cancel();
    }
}
