using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SBKube.Core.Config;
using SBKube.Core.Engine;
using SBKube.Core.State;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Uninstalls apps, dependents first, keeping their history (seed: sbkube delete).</summary>
    [Cmdlet(VerbsCommon.Remove, "SbkubeApp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = "State")]
    [OutputType(typeof(AppResult))]
    public sealed class RemoveSbkubeAppCommand : ClusterCmdlet
    {
        /// <summary>A config directory or file: delete its apps in reverse dependency order.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "Config")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = ".";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "State", ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = "Config")]
        [ValidateNotNullOrEmpty]
        public string? Namespace { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
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
            foreach (string app in apps)
            {
                if (!_targets.Contains((Namespace!, app)))
                {
                    _targets.Add((Namespace!, app));
                }
            }
        });

        protected override void EndProcessing() => Guard(() =>
        {
            IEnumerable<(string, string)> order = _config != null
                ? _config.InDependencyOrder().Where(a => App == null || App.Contains(a.Name)).Select(a => (a.Namespace, a.Name))
                : DependencyOrderFromState();
            string? context = KubeContext ?? _config?.Sources.KubeContext;
            string? kubeconfig = Kubeconfig != null ? ResolvePath(Kubeconfig) : _config?.Sources.Kubeconfig;
            _runner = new EngineRunner(this, "Remove-SbkubeApp");
            EngineRunner runner = _runner;
            var plan = new List<DeploymentRecord>();
            runner.Run((log, stop) =>
            {
                plan.AddRange(new DeleteEngine(EngineSession.Create(Store, context, kubeconfig, log)).Plan(order));
                return System.Threading.Tasks.Task.CompletedTask;
            });
            var confirmed = plan.Where(d => ShouldProcess($"{d.Namespace}/{d.App}",
                $"helm uninstall {d.ReleaseName} (revision {d.Revision}, {d.Chart}); history is kept")).ToList();
            if (confirmed.Count == 0)
            {
                return;
            }
            runner = _runner = new EngineRunner(this, "Remove-SbkubeApp");
            runner.Run(async (log, stop) =>
            {
                var engine = new DeleteEngine(EngineSession.Create(Store, context, kubeconfig, log));
                foreach (DeploymentRecord d in confirmed)
                {
                    if (stop.IsCancellationRequested)
                    {
                        break;
                    }
                    AppResult r = await engine.DeleteAsync(d, CancellationToken.None).ConfigureAwait(false);
                    runner.Post(() =>
                    {
                        if (r.Outcome == AppOutcome.Failed)
                        {
                            WriteError(ErrorMapper.ForResult(r));
                        }
                        WriteObject(r);
                    });
                }
            });
        });

        /// <summary>Apps given on the command line or the pipeline, ordered by the depends_on recorded in their snapshots.</summary>
        private IEnumerable<(string, string)> DependencyOrderFromState()
        {
            var deps = new Dictionary<(string, string), IReadOnlyList<string>>();
            foreach ((string ns, string app) in _targets)
            {
                DeploymentRecord? d = Store.GetDeployed(ns, app, KubeContext);
                deps[(ns, app)] = d?.Config != null ? RevisionSnapshot.FromJson(d.Config).DependsOn : new List<string>();
            }
            var ordered = new List<(string, string)>();
            var visiting = new HashSet<(string, string)>();
            void Visit((string Ns, string App) key)
            {
                if (ordered.Contains(key) || !visiting.Add(key))
                {
                    return;
                }
                foreach (string dep in deps[key])
                {
                    if (deps.ContainsKey((key.Ns, dep)))
                    {
                        Visit((key.Ns, dep));
                    }
                }
                ordered.Add(key);
            }
            foreach ((string, string) key in _targets)
            {
                Visit(key);
            }
            return ordered;
        }

        protected override void StopProcessing() => _runner?.Stop.Cancel();
    }
}
