using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.Security;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>The steps of an apply: repositories, deploy with one repo update, drift, descriptions.</summary>
    public sealed partial class ApplyEngine
    {
        /// <summary>A wanted chart version may be newer than the local repo index: update that repo once and retry.</summary>
        private async Task<DeployOutcome> DeployWithRepoRetryAsync(RevisionSnapshot snapshot, string app, string description)
        {
            try
            {
                return await Session.Changes.DeployAsync(snapshot, app, description, CancellationToken.None).ConfigureAwait(false);
            }
            catch (HelmException e) when (e.Kind == HelmErrorKind.ChartNotFound && e.HelmMessage.Contains("helm repo update")
                && snapshot.ChartPath == null && snapshot.ChartRef != null && snapshot.ChartRef.Contains("/") && !snapshot.ChartRef.StartsWith("oci://", StringComparison.Ordinal))
            {
                string repo = snapshot.ChartRef.Substring(0, snapshot.ChartRef.IndexOf('/'));
                Session.Log.Verbose($"Chart version {snapshot.ChartVersion} not in the local index of '{repo}'; updating it.");
                await Session.Helm.RepoUpdateAsync(new[] { repo }).ConfigureAwait(false);
                return await Session.Changes.DeployAsync(snapshot, app, description, CancellationToken.None).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Once per run, before the first helm app: logs in to the OCI registries with credentials that the run's
        /// apps pull from (every run, so a changed password is used at once), and adds the config's repositories
        /// that helm lacks or knows under another URL. With <paramref name="refresh"/> (apply -Force, the seed's
        /// "fetch the chart again") the indexes of the repositories the apps use are fetched anew.
        /// </summary>
        private async Task EnsureSourcesAsync(SbkubeConfig config, IReadOnlyList<AppConfig> apps, bool refresh)
        {
            foreach (OciRegistry registry in apps.Where(a => a.Type == AppType.Helm && !string.IsNullOrEmpty(a.Registry?.Username))
                .Select(a => a.Registry!).Distinct())
            {
                Session.Log.Verbose($"Logging in to OCI registry '{registry.Host}' as {registry.Username}.");
                Session.Redactor.LearnValue(registry.Password);
                await Session.Helm.RegistryLoginAsync(registry.Host, registry.Username!, registry.Password, ChartAccess.Of(registry)).ConfigureAwait(false);
            }
            if (config.Sources.HelmRepos.Count == 0)
            {
                return;
            }
            IReadOnlyList<HelmRepoEntry> known = await Session.Helm.RepoListAsync().ConfigureAwait(false);
            foreach (HelmRepository repo in config.Sources.HelmRepos)
            {
                HelmRepoEntry? existing = known.FirstOrDefault(k => k.Name == repo.Name);
                // Credentials written into the URL go to helm as --username and --password-stdin, never in its arguments.
                (string url, string? urlUser, string? urlPassword) = UrlCredentials.Split(repo.Url);
                string? username = repo.Username ?? urlUser;
                string? password = repo.Password ?? urlPassword;
                // helm repo list shows no credentials or TLS settings: a repository with some is added again every
                // run, so a changed username, password or certificate in sources.yaml is what helm uses next.
                bool settings = repo.HasSettings || !string.IsNullOrEmpty(username) || !string.IsNullOrEmpty(password);
                if (existing != null && !settings && string.Equals(existing.Url.TrimEnd('/'), url.TrimEnd('/'), StringComparison.Ordinal))
                {
                    continue;
                }
                Session.Log.Verbose($"Adding helm repository '{repo.Name}' ({url}).");
                Session.Redactor.LearnValue(password);
                await Session.Helm.RepoAddAsync(new HelmRepoAdd
                {
                    Name = repo.Name,
                    Url = url,
                    Username = username,
                    Password = password,
                    ForceUpdate = existing != null,
                    PassCredentials = repo.PassCredentials,
                    Access = ChartAccess.Of(repo),
                }).ConfigureAwait(false);
            }
            List<string> used = config.Sources.HelmRepos.Select(r => r.Name)
                .Where(name => config.Apps.Any(a => a.Type == AppType.Helm && a.Chart != null && a.Chart.StartsWith(name + "/", StringComparison.Ordinal)))
                .ToList();
            if (refresh && used.Count > 0)
            {
                Session.Log.Verbose($"Fetching the index of {string.Join(", ", used)} again, as a forced apply does.");
                await Session.Helm.RepoUpdateAsync(used).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// What Helm's release list says against the store: drift of a deployed app (someone ran helm by hand,
        /// or the store is an older copy), or, for an app with no deployed row, that Helm has revisions the
        /// store never recorded (its rows were deleted, or it was restored from an older copy). Helm's list is
        /// read once per namespace; when it cannot be read, neither is known.
        /// </summary>
        private async Task<(string? Drift, string? Behind)> CompareWithHelmAsync(AppConfig app, DeploymentRecord? deployed)
        {
            IReadOnlyList<HelmListEntry> releases;
            try
            {
                releases = await _helmReleases.GetOrAdd(app.Namespace,
                    ns => new Lazy<Task<IReadOnlyList<HelmListEntry>>>(() => Session.Helm.ListAsync(ns))).Value.ConfigureAwait(false);
            }
            catch (HelmException e) when (e.Kind != HelmErrorKind.ClusterUnreachable)
            {
                Session.Log.Warning($"Cannot list Helm releases in '{app.Namespace}' to check for drift: {e.HelmMessage}");
                return (null, null);
            }
            HelmListEntry? release = releases.FirstOrDefault(r => r.Name == app.ReleaseName);
            if (deployed == null && release == null)
            {
                return (null, null);
            }
            int? known = Session.Deployments.MaxHelmRevision(app.Namespace, app.Name, Session.Context);
            return deployed != null
                ? (DriftDetector.Compare(deployed, release, known), null)
                : (null, DriftDetector.StoreBehind(release, known));
        }

        internal static string ChartLabel(RevisionSnapshot s) =>
            s.Kind == AppType.Yaml
                ? "manifests"
                : s.ChartVersion != null ? $"{s.ChartName}-{s.ChartVersion}" : s.ChartName ?? s.ChartRef ?? "";

        /// <summary>The seed's descriptions: Initial deployment, Updated values, Upgraded chart A → B.</summary>
        internal static string Describe(RevisionSnapshot? previous, RevisionSnapshot next, bool sameHash, string? drift)
        {
            if (previous == null)
            {
                return "Initial deployment";
            }
            var parts = new List<string>();
            if (previous.ChartRef != next.ChartRef)
            {
                parts.Add($"Changed chart {previous.ChartRef} → {next.ChartRef}");
            }
            else if (previous.ChartVersion != next.ChartVersion)
            {
                parts.Add($"Upgraded chart {previous.ChartVersion} → {next.ChartVersion}");
            }
            else if (previous.ChartDigest != next.ChartDigest)
            {
                parts.Add("Updated chart files");
            }
            if (!JsonNode.DeepEquals(previous.Values, next.Values))
            {
                parts.Add(parts.Count == 0 ? "Updated values" : "updated values");
            }
            if (previous.Kind == AppType.Yaml && !ManifestsEqual(previous, next))
            {
                parts.Add(parts.Count == 0 ? "Updated manifests" : "updated manifests");
            }
            if (parts.Count == 0 && !sameHash)
            {
                parts.Add("Updated settings");
            }
            if (drift != null)
            {
                parts.Add(parts.Count == 0 ? $"Redeployed ({drift})" : drift);
            }
            return parts.Count == 0 ? "Forced redeploy" : string.Join(", ", parts);
        }

        private static bool ManifestsEqual(RevisionSnapshot a, RevisionSnapshot b) =>
            a.Manifests.Count == b.Manifests.Count
            && a.Manifests.Zip(b.Manifests, (x, y) => x.File == y.File && x.Content == y.Content).All(eq => eq);

        /// <summary>
        /// A change that ended before it had a revision (refused by a lock or by its repository, stopped, or its plan
        /// failed) stays on the record as an attempt in the app's history; an app planned unchanged made no attempt.
        /// </summary>
        /// <param name="deployedBefore">Whether the app had a deployed revision: the attempt was an upgrade, not a deploy.</param>
        private Task RecordAttemptAsync(PlannedApp planned, bool deployedBefore, string outcome, string why, string? errorId)
        {
            if (planned.Action == PlannedAction.Unchanged)
            {
                return Task.CompletedTask;
            }
            string action = planned.Action == PlannedAction.Install || (planned.Action == PlannedAction.Fail && !deployedBefore)
                ? HistoryAction.Deploy : HistoryAction.Upgrade;
            string ended = outcome == AuditOutcome.Cancelled ? "CANCELLED" : "FAILED";
            return RevisionRecorder.RecordAttemptAsync(Session, Session.Context, planned.Namespace, planned.Name, action,
                $"{planned.Description ?? "Apply"} ({ended}: {why})", outcome, errorId);
        }
    }
}
