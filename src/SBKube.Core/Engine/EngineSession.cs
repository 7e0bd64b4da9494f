using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.Kubectl;
using SBKube.Core.Security;
using SBKube.Core.State;
using SBKube.Core.Tools;

namespace SBKube.Core.Engine
{
    /// <summary>Everything one operation needs: the store, the cluster tools, the redactor and the log.</summary>
    public sealed class EngineSession
    {
        public EngineSession(IStateStore store, string context, HelmClient helm, KubectlClient kubectl,
            SecretRedactor redactor, IEngineLog log)
        {
            Store = store;
            Context = context;
            Helm = helm;
            Kubectl = kubectl;
            Redactor = redactor;
            Log = log;
        }

        public IStateStore Store { get; }
        /// <summary>The kube context recorded with each revision ('' when unknown).</summary>
        public string Context { get; }
        public HelmClient Helm { get; }
        public KubectlClient Kubectl { get; }
        public SecretRedactor Redactor { get; }
        public IEngineLog Log { get; }

        /// <summary>The config folder an apply reads: its git commit goes on the record with each history row.</summary>
        public string? ConfigFolder { get; set; }

        private Task? _provenance;
        private readonly object _provenanceLock = new object();

        /// <summary>
        /// Fills in what the store's history rows name besides the process (Helm's version, the config's commit), once per
        /// session and only before the first row is written: an unchanged apply asks neither helm nor git.
        /// </summary>
        internal Task CompleteProvenanceAsync()
        {
            lock (_provenanceLock)
            {
                return _provenance ??= FillProvenanceAsync();
            }
        }

        private async Task FillProvenanceAsync()
        {
            RunProvenance p = Store.Provenance;
            try
            {
                p.HelmVersion = await Helm.GetVersionTextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HelmException || e is ToolNotFoundException || e is ToolExitUnknownException || e is FormatException)
            {
                p.HelmVersion = null;
            }
            (p.ConfigCommit, p.ConfigDirty) = ConfigFolder == null ? (null, null) : await ConfigCommit.ReadAsync(ConfigFolder).ConfigureAwait(false);
        }

        private readonly System.Collections.Concurrent.ConcurrentDictionary<LockLease, bool> _leases =
            new System.Collections.Concurrent.ConcurrentDictionary<LockLease, bool>();

        /// <summary>Builds a session whose tools log through <paramref name="log"/> with secrets masked.</summary>
        public static EngineSession Create(IStateStore store, string? kubeContext, string? kubeconfig, IEngineLog log)
        {
            var redactor = SecretRedactor.FromEnvironment();
            redactor.FingerprintKey = store.FingerprintKey();
            var helm = new HelmClient(new HelmOptions
            {
                KubeContext = kubeContext,
                Kubeconfig = kubeconfig,
                Verbose = m => log.Verbose("helm: " + redactor.RedactText(m)),
                Debug = m => log.Debug(redactor.RedactText(m) ?? ""),
            });
            var kubectl = new KubectlClient(new KubectlOptions
            {
                KubeContext = kubeContext,
                Kubeconfig = kubeconfig,
                Verbose = m => log.Verbose("kubectl: " + redactor.RedactText(m)),
                Debug = m => log.Debug(redactor.RedactText(m) ?? ""),
            });
            string context = kubeContext ?? KubeconfigReader.CurrentContext(kubeconfig) ?? "";
            return new EngineSession(store, context, helm, kubectl, redactor, log);
        }

        /// <summary>Deploys a snapshot: helm upgrade --install with the recorded values, or kubectl apply of the recorded manifests.</summary>
        public async Task<DeployOutcome> DeployAsync(RevisionSnapshot s, string app, string? description, CancellationToken ct)
        {
            EnsureLocksHeld(s.Namespace, app);
            if (s.Kind == AppType.Yaml)
            {
                await Kubectl.ApplyAsync(ManifestStream(s, withNamespace: s.CreateNamespace), s.Namespace, ct).ConfigureAwait(false);
                return new DeployOutcome(null, null, null);
            }
            HelmUpgradeRequest request = UpgradeRequest(s, description);
            HelmRelease release = await Helm.UpgradeInstallAsync(request, ct).ConfigureAwait(false);
            return new DeployOutcome(release.Version, release.ChartName, release.ChartVersion);
        }

        /// <summary>The helm upgrade --install of a snapshot: its chart, version, values and options as recorded.</summary>
        internal static HelmUpgradeRequest UpgradeRequest(RevisionSnapshot s, string? description) => new HelmUpgradeRequest
        {
            Release = s.ReleaseName,
            Chart = s.ChartPath ?? s.ChartRef ?? throw new InvalidOperationException("The snapshot has no chart."),
            Namespace = s.Namespace,
            // Helm takes a chart folder as it is; --version applies to repository and OCI charts.
            Version = s.ChartPath == null ? s.ChartVersion : null,
            Wait = s.Wait,
            Timeout = s.Timeout,
            Atomic = s.Atomic,
            CreateNamespace = s.CreateNamespace,
            HistoryMax = s.HistoryMax,
            Description = description,
            Values = s.Values.ToJsonString(),
            Access = s.ChartAccess,
            Apply = s.Apply,
        };

        /// <summary>Removes what a snapshot deployed: helm uninstall (history kept) or kubectl delete.</summary>
        public async Task RemoveAsync(RevisionSnapshot s, string app, CancellationToken ct)
        {
            EnsureLocksHeld(s.Namespace, app);
            if (s.Kind == AppType.Yaml)
            {
                await Kubectl.DeleteAsync(ManifestStream(s, withNamespace: false), s.Namespace, ct).ConfigureAwait(false);
                return;
            }
            await Helm.UninstallAsync(s.ReleaseName, s.Namespace, keepHistory: true, ct).ConfigureAwait(false);
        }

        /// <summary>
        /// What a failed attempt left in Helm's history: a revision newer than any SBKube recorded for the app (a
        /// failed upgrade, or Helm's own atomic rollback), so the next run does not mistake it for someone else's
        /// change; or nothing, when the attempt never reached Helm's history.
        /// </summary>
        internal async Task<HelmAfterFailure> HelmAfterFailureAsync(RevisionSnapshot s, string app)
        {
            if (s.Kind != AppType.Helm)
            {
                return HelmAfterFailure.Unknown;
            }
            try
            {
                IReadOnlyList<HelmHistoryEntry> history = await Helm.HistoryOrEmptyAsync(s.ReleaseName, s.Namespace).ConfigureAwait(false);
                int latest = history.Count == 0 ? 0 : history.Max(h => h.Revision);
                return latest > (Store.MaxHelmRevision(s.Namespace, app, Context) ?? 0) ? HelmAfterFailure.Made(latest) : HelmAfterFailure.Nothing;
            }
            catch (HelmException)
            {
                return HelmAfterFailure.Unknown;
            }
        }

        /// <summary>Locks one app (or with <paramref name="app"/> null the whole namespace) for an operation.</summary>
        public async Task<LockLease> LockAsync(string ns, string? app, string operation, TimeSpan timeout, CancellationToken ct = default)
        {
            LockLease lease = await LockLease.AcquireAsync(Store, new LockRequest
            {
                Context = Context,
                Namespace = ns,
                App = app ?? LockRecord.WholeNamespace,
                Operation = operation,
            }, timeout, ct, waiting: Log.Verbose).ConfigureAwait(false);
            _leases[lease] = true;
            lease.Released = l => _leases.TryRemove(l, out _);
            lease.ReleaseFailed = Log.Warning;
            return lease;
        }

        /// <summary>
        /// The manifests of a snapshot as one YAML stream for <c>kubectl -f -</c>: each file starts a
        /// new document, so a file without a trailing newline or a leading <c>---</c> cannot merge into the next.
        /// </summary>
        /// <param name="withNamespace">
        /// Leads with the namespace itself, the way Helm's --create-namespace makes it: kubectl apply does
        /// not create the namespace it applies into. Never on delete, which must leave the namespace.
        /// </param>
        private static string ManifestStream(RevisionSnapshot s, bool withNamespace)
        {
            var sb = new System.Text.StringBuilder();
            if (withNamespace)
            {
                sb.Append("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ").Append(s.Namespace).Append('\n');
            }
            foreach (ManifestFile m in s.Manifests)
            {
                sb.Append("---\n").Append(m.Content);
                if (!m.Content.EndsWith("\n", StringComparison.Ordinal))
                {
                    sb.Append('\n');
                }
            }
            return sb.ToString();
        }

        /// <summary>
        /// Fencing before a change to an app: the locks of this session that cover it (its own and its
        /// namespace's) must still be its own. Other apps' leases are left alone: in a parallel apply
        /// they are released, or lost, independently of this one.
        /// </summary>
        /// <exception cref="SbkubeException">LockLost.</exception>
        public void EnsureLocksHeld(string ns, string app)
        {
            foreach (LockLease lease in _leases.Keys)
            {
                if (lease.Covers(ns, app))
                {
                    lease.EnsureHeld();
                }
            }
        }

        /// <summary>Turns a tool failure into a result message and a stable ErrorId.</summary>
        public (string Message, string ErrorId) Describe(Exception e) =>
            (Redactor.RedactText(e is HelmException h ? h.HelmMessage : e.Message)!, ErrorClassifier.Classify(e)?.ErrorId ?? ErrorIds.EngineError);
    }

    public sealed class DeployOutcome
    {
        public DeployOutcome(int? helmRevision, string? chartName, string? chartVersion)
        {
            HelmRevision = helmRevision;
            ChartName = chartName;
            ChartVersion = chartVersion;
        }

        public int? HelmRevision { get; }
        public string? ChartName { get; }
        public string? ChartVersion { get; }
    }
}
