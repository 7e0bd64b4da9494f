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
    /// <summary>Uninstalls apps, dependents first, keeping their history (seed: sbkube delete).</summary>
    [Cmdlet(VerbsCommon.Remove, "SbkubeApp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = "State")]
    [OutputType(typeof(AppResult))]
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

        private readonly List<(string Namespace, string App)> _targets = new List<(string, string)>();
        private SbkubeConfig? _config;
        private EngineRunner? _runner;

        protected override void ProcessRecord() => Guard(() =>
        {
            if (ParameterSetName == "Config")
            {
                _config ??= ConfigLoader.Load(ResolvePath(Path), Namespace);
                return;
            }
            IEnumerable<string> apps = App ?? Store.List(Namespace, null, KubeContext, latestOnly: true)
                .Where(r => r.Status == DeploymentStatus.Deployed).Select(r => r.App);
            _targets.AddRange(apps.Select(a => (Namespace!, a)).Where(t => !_targets.Contains(t)).ToList());
        });

        protected override void EndProcessing() => Guard(() =>
        {
            IStateStore store = Store; // opened here: the engine threads must not write warnings
            IReadOnlyList<(string, string)> order = _config != null
                ? _config.InDependencyOrder().Where(a => App == null || App.Contains(a.Name)).Select(a => (a.Namespace, a.Name)).ToList()
                : DeleteEngine.DependencyOrderFromState(Store, _targets, KubeContext);
            string? context = KubeContext ?? _config?.Sources.KubeContext;
            string? kubeconfig = Kubeconfig != null ? ResolvePath(Kubeconfig) : _config?.Sources.Kubeconfig;
            var plan = new List<DeploymentRecord>();
            _runner = new EngineRunner(this, "Remove-SbkubeApp");
            _runner.Run((log, stop) =>
            {
                plan.AddRange(new DeleteEngine(EngineSession.Create(store, context, kubeconfig, log)).Plan(order));
                return System.Threading.Tasks.Task.CompletedTask;
            });
            var confirmed = plan.Where(d => ShouldProcess($"{d.Namespace}/{d.App}",
                $"helm uninstall {d.ReleaseName} (revision {d.Revision}, {d.Chart}); history is kept")).ToList();
            if (confirmed.Count == 0)
            {
                return;
            }
            System.TimeSpan lockWait = LockWait;
            EngineRunner runner = _runner = new EngineRunner(this, "Remove-SbkubeApp");
            runner.Run((log, stop) => new DeleteEngine(EngineSession.Create(store, context, kubeconfig, log))
                .RunAsync(confirmed, Lock.IsPresent, lockWait, r => runner.Post(() => EmitResult(r)), stop));
        });

        protected override void StopProcessing() => _runner?.Stop.Cancel();
    }
}
