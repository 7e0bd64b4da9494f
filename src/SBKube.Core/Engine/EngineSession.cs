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
    /// <summary>
    /// Everything one operation needs: the revisions it reads and writes, its locks, the cluster tools, the redactor
    /// and the log. Of the store it sees two roles only (<see cref="IDeploymentLog"/>, <see cref="ILockTable"/>).
    /// </summary>
    public sealed class EngineSession
    {
        public EngineSession(IDeploymentLog deployments, ILockTable locks, string context, HelmClient helm, KubectlClient kubectl,
            SecretRedactor redactor, IEngineLog log)
        {
            Deployments = deployments;
            Context = context;
            Helm = helm;
            Kubectl = kubectl;
            Redactor = redactor;
            Log = log;
            Locks = new LockRegistry(locks, context, log);
            Changes = new ClusterChanges(helm, kubectl, Locks);
        }

        /// <summary>The app revisions in the state store.</summary>
        public IDeploymentLog Deployments { get; }
        /// <summary>The kube context recorded with each revision ('' when unknown).</summary>
        public string Context { get; }
        public HelmClient Helm { get; }
        public KubectlClient Kubectl { get; }
        public SecretRedactor Redactor { get; }
        public IEngineLog Log { get; }
        /// <summary>The locks this session holds; every change checks them first.</summary>
        public LockRegistry Locks { get; }
        /// <summary>The changes to the cluster, each fenced by the session's locks. <see cref="Helm"/> and <see cref="Kubectl"/> are for reads.</summary>
        public ClusterChanges Changes { get; }

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
            RunProvenance p = Deployments.Provenance;
            try
            {
                p.HelmVersion = await Helm.GetVersionTextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (ErrorClassifier.IsToolFailure(e) || e is FormatException)
            {
                p.HelmVersion = null;
            }
            (p.ConfigCommit, p.ConfigDirty) = ConfigFolder == null ? (null, null) : await ConfigCommit.ReadAsync(ConfigFolder).ConfigureAwait(false);
        }


        /// <summary>Builds a session whose tools log through <paramref name="log"/> with secrets masked by <paramref name="redactor"/>.</summary>
        public static EngineSession Create(IStateStore store, string? kubeContext, string? kubeconfig, IEngineLog log, SecretRedactor redactor)
        {
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
            return new EngineSession(store, store, context, helm, kubectl, redactor, log);
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
                return latest > (Deployments.MaxHelmRevision(s.Namespace, app, Context) ?? 0) ? HelmAfterFailure.Made(latest) : HelmAfterFailure.Nothing;
            }
            catch (HelmException)
            {
                return HelmAfterFailure.Unknown;
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
