using System.Collections.Generic;
using System.Linq;
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
    /// <summary>Uninstalls apps, dependents first, keeping their history (seed: sbkube delete).</summary>
    [Cmdlet(VerbsCommon.Remove, "SbkubeApp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = "State")]
    [OutputType(typeof(AppResult), typeof(PlannedChange))]
    public sealed class RemoveSbkubeAppCommand : DeployCmdlet
    {
        /// <summary>A config directory or file: delete its apps in reverse dependency order.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "Config")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConfigPathCompleter))]
        public string Path { get; set; } = ".";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "State", ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = "Config")]
        [ValidateNotNullOrEmpty]
        [ValidateKubeName(KubeName.Namespace)]
        [ArgumentCompleter(typeof(NamespaceCompleter))]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AppCompleter))]
        public string[]? App { get; set; }

        /// <summary>Delete without asking for confirmation (the confirm impact is High); -WhatIf still only shows what would go.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write one result per app; without it only failures are written (as errors), as Remove-Item writes nothing.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<(string Namespace, string App)> _targets = new List<(string, string)>();
        private SbkubeConfig? _config;

        protected override string Activity => "Remove-SbkubeApp";

        protected override Task ProcessRecordAsync(CancellationToken stopping)
        {
            if (ParameterSetName == "Config")
            {
                _config ??= ConfigLoader.Load(ResolvePath(Path), Namespace, new SecretManagementSource(this));
                return Task.CompletedTask;
            }
            IEnumerable<string> apps = App ?? Store.List(Namespace, null, KubeContext, latestOnly: true)
                .Where(r => r.Status == DeploymentStatus.Deployed).Select(r => r.App);
            _targets.AddRange(apps.Select(a => (Namespace!, a)).Where(t => !_targets.Contains(t)).ToList());
            return Task.CompletedTask;
        }

        protected override async Task EndProcessingAsync(CancellationToken stopping)
        {
            IReadOnlyList<(string, string)> order = _config != null
                ? _config.InDependencyOrder().Where(a => App == null || App.Contains(a.Name)).Select(a => (a.Namespace, a.Name)).ToList()
                : DeleteEngine.DependencyOrderFromState(Store, _targets, KubeContext);
            var engine = new DeleteEngine(NewSession(_config?.Sources.KubeContext, _config?.Sources.Kubeconfig));
            DeletePlan plan = await engine.PlanAsync(order, new DeleteOptions { Lock = Lock.IsPresent, LockTimeout = LockWait }, stopping);
            var confirmed = new List<DeploymentRecord>();
            foreach (DeploymentRecord d in plan.Removals)
            {
                string action = $"helm uninstall {d.ReleaseName} (revision {d.Revision}, {d.Chart}); history is kept";
                if (ShouldProcessUnlessForced(Force, $"{d.Namespace}/{d.App}", action))
                {
                    confirmed.Add(d);
                }
                else if (WhatIfRequested)
                {
                    // -WhatIf returns the plan, in removal order, as Invoke-SbkubeApply's does.
                    WriteObject(PlannedChange.ForDelete(d, action));
                }
            }
            if (confirmed.Count > 0)
            {
                await engine.ExecuteAsync(plan.ConfirmedFor(confirmed), r => PostOutput(() => EmitResult(r, PassThru)), stopping);
            }
        }
    }
}
