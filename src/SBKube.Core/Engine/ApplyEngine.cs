using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    public sealed class ApplyOptions
    {
        /// <summary>Only these apps (by name); null = all enabled apps.</summary>
        public IReadOnlyCollection<string>? Apps { get; set; }
        /// <summary>Redeploy even when nothing changed.</summary>
        public bool Force { get; set; }
        public string? Description { get; set; }
        /// <summary>Plan only: decide per app, record nothing, call no upgrade.</summary>
        public bool WhatIf { get; set; }
        public int ThrottleLimit { get; set; } = 4;
        /// <summary>Hold a lock on every namespace of the run for the whole run.</summary>
        public bool Lock { get; set; }
        /// <summary>How long to wait for a lock someone else holds (zero = fail at once).</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.Zero;
    }

    /// <summary>
    /// Applies a config: each app runs once everything it depends on succeeded; independent apps run
    /// concurrently up to the throttle limit. Results are reported as they finish.
    /// </summary>
    public sealed class ApplyEngine
    {
        private readonly EngineSession _session;
        private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<HelmListEntry>>>> _helmReleases =
            new ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<HelmListEntry>>>>();
        private Lazy<Task>? _repos;

        public ApplyEngine(EngineSession session)
        {
            _session = session;
        }

        /// <param name="stopLaunching">Cancelled on Ctrl+C: apps not yet started are skipped, running ones finish.</param>
        public async Task RunAsync(SbkubeConfig config, ApplyOptions options, Action<AppResult> onResult,
            CancellationToken stopLaunching)
        {
            IReadOnlyList<AppConfig> ordered = config.InDependencyOrder();
            if (options.Apps != null)
            {
                var unknown = options.Apps.Where(a => config.FindApp(a) == null).ToList();
                if (unknown.Count > 0)
                {
                    throw new SbkubeException(
                        $"-App: no app named {string.Join(", ", unknown.Select(u => "'" + u + "'"))} in {config.ConfigFile}; " +
                        $"known apps: {string.Join(", ", config.Apps.Select(a => a.Name))}.",
                        "UnknownApp", SbkubeException.ObjectNotFound, string.Join(",", unknown));
                }
                ordered = ordered.Where(a => options.Apps.Contains(a.Name)).ToList();
            }
            _repos = new Lazy<Task>(() => EnsureReposAsync(config));
            var leases = new List<LockLease>();
            try
            {
                if (!options.WhatIf)
                {
                    foreach (string ns in ordered.Select(a => a.Namespace).Distinct().OrderBy(n => n, StringComparer.Ordinal))
                    {
                        if (options.Lock)
                        {
                            leases.Add(await _session.LockAsync(ns, null, "apply", options.LockTimeout, stopLaunching).ConfigureAwait(false));
                        }
                    }
                }
                await RunAppsAsync(config, ordered, options, onResult, stopLaunching).ConfigureAwait(false);
            }
            finally
            {
                leases.ForEach(l => l.Dispose());
            }
        }

        private async Task RunAppsAsync(SbkubeConfig config, IReadOnlyList<AppConfig> ordered, ApplyOptions options,
            Action<AppResult> onResult, CancellationToken stopLaunching)
        {

            var selected = new HashSet<string>(ordered.Select(a => a.Name));
            var tasks = new Dictionary<string, Task<AppResult>>();
            var running = new ConcurrentDictionary<string, bool>();
            int done = 0;
            using var throttle = new SemaphoreSlim(Math.Max(1, options.ThrottleLimit));
            object report = new object();

            void Report(AppResult r)
            {
                lock (report)
                {
                    done++;
                    onResult(r);
                    _session.Log.Progress(done, ordered.Count, running.Keys.ToList());
                }
            }

            foreach (AppConfig app in ordered)
            {
                Task<AppResult>[] deps = app.DependsOn.Where(selected.Contains).Select(d => tasks[d]).ToArray();
                tasks[app.Name] = Task.Run(async () =>
                {
                    AppResult[] depResults = await Task.WhenAll(deps).ConfigureAwait(false);
                    AppResult? failedDep = depResults.FirstOrDefault(d => !d.Succeeded);
                    AppResult result;
                    if (failedDep != null)
                    {
                        result = Skip(app, $"Skipped: dependency '{failedDep.App}' {(failedDep.Outcome == AppOutcome.Failed ? "failed" : "was skipped")}.");
                    }
                    else
                    {
                        await throttle.WaitAsync().ConfigureAwait(false);
                        try
                        {
                            if (stopLaunching.IsCancellationRequested)
                            {
                                result = Skip(app, "Skipped: the run was stopped before this app started.");
                            }
                            else
                            {
                                running[app.Name] = true;
                                _session.Log.Progress(done, ordered.Count, running.Keys.ToList());
                                result = await ApplyAppAsync(config, app, options).ConfigureAwait(false);
                                running.TryRemove(app.Name, out _);
                            }
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }
                    Report(result);
                    return result;
                });
            }
            await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        }

        private static AppResult Skip(AppConfig app, string reason) => new AppResult
        {
            Namespace = app.Namespace,
            App = app.Name,
            ReleaseName = app.ReleaseName,
            Operation = "apply",
            Outcome = AppOutcome.Skipped,
            Message = reason,
            ErrorId = "DependencySkipped",
        };

        private async Task<AppResult> ApplyAppAsync(SbkubeConfig config, AppConfig app, ApplyOptions options)
        {
            var clock = Stopwatch.StartNew();
            var result = new AppResult { Namespace = app.Namespace, App = app.Name, ReleaseName = app.ReleaseName, Operation = "apply" };
            LockLease? appLock = null;
            try
            {
                if (!options.WhatIf)
                {
                    // Two runs never deploy the same app at once, with or without -Lock.
                    appLock = await _session.LockAsync(app.Namespace, app.Name, "apply", options.LockTimeout).ConfigureAwait(false);
                    await Reconciler.SettleInterruptedAsync(_session, app.Namespace, app.Name, default).ConfigureAwait(false);
                }
                RevisionSnapshot snapshot = SnapshotBuilder.Build(app);
                _session.Redactor.Learn(snapshot.Values);
                string hash = snapshot.ComputeHash();
                DeploymentRecord? deployed = _session.Store.GetDeployed(app.Namespace, app.Name, _session.Context);
                RevisionSnapshot? previous = deployed?.Config != null ? RevisionSnapshot.FromJson(deployed.Config) : null;

                string? drift = app.Type == AppType.Helm && deployed != null
                    ? await DetectDriftAsync(app, deployed).ConfigureAwait(false)
                    : null;
                if (deployed != null && deployed.ConfigHash == hash && drift == null && !options.Force)
                {
                    result.Outcome = AppOutcome.Unchanged;
                    result.Revision = deployed.Revision;
                    result.HelmRevision = deployed.HelmRevision;
                    result.Status = deployed.Status;
                    result.Chart = deployed.Chart;
                    result.Description = "Unchanged";
                    result.Record = deployed;
                    return result;
                }

                string description = options.Description
                    ?? Describe(previous, snapshot, deployed?.ConfigHash == hash, drift);
                description = _session.Redactor.RedactText(description)!;
                result.Chart = ChartLabel(snapshot);
                result.Description = description;
                if (options.WhatIf)
                {
                    result.Outcome = AppOutcome.Planned;
                    result.Message = (deployed == null ? "Would install" : "Would upgrade") + ": " + description;
                    return result;
                }

                if (app.Type == AppType.Helm)
                {
                    await _repos!.Value.ConfigureAwait(false);
                }
                bool install = deployed == null;
                DeploymentRecord pending = _session.Store.BeginDeployment(new NewDeployment
                {
                    Context = _session.Context,
                    Namespace = app.Namespace,
                    App = app.Name,
                    ReleaseName = app.ReleaseName,
                    AppType = snapshot.AppType,
                    Chart = result.Chart,
                    ChartRef = snapshot.ChartRef,
                    ChartVersion = snapshot.ChartVersion,
                    Status = install ? DeploymentStatus.PendingInstall : DeploymentStatus.PendingUpgrade,
                    Description = description,
                    Config = snapshot.ToJsonString(),
                    ConfigHash = hash,
                });
                string action = install ? HistoryAction.Deploy : HistoryAction.Upgrade;
                try
                {
                    DeployOutcome outcome = await DeployWithRepoRetryAsync(snapshot, app.Name, options.Force, description).ConfigureAwait(false);
                    DeploymentRecord finished = _session.Store.FinishDeployment(pending.Id, DeploymentStatus.Deployed,
                        outcome.HelmRevision, description, action);
                    result.Outcome = install ? AppOutcome.Installed : AppOutcome.Upgraded;
                    result.Record = finished;
                    result.Revision = finished.Revision;
                    result.HelmRevision = finished.HelmRevision;
                    result.Status = finished.Status;
                }
                catch (Exception e) when (!(e is StateStoreException))
                {
                    (string message, string errorId) = _session.Describe(e);
                    int? failedHelmRevision = await _session.HelmRevisionAfterFailureAsync(snapshot, deployed?.HelmRevision).ConfigureAwait(false);
                    DeploymentRecord failed = _session.Store.FinishDeployment(pending.Id, DeploymentStatus.Failed, failedHelmRevision,
                        $"{description} (FAILED: {message})", action);
                    result.Outcome = AppOutcome.Failed;
                    result.Record = failed;
                    result.Revision = failed.Revision;
                    result.Status = failed.Status;
                    result.Message = message;
                    result.ErrorId = errorId;
                }
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                (string message, string errorId) = _session.Describe(e);
                result.Outcome = AppOutcome.Failed;
                result.Message = message;
                result.ErrorId = errorId;
            }
            finally
            {
                appLock?.Dispose();
                result.Duration = clock.Elapsed;
            }
            return result;
        }

        /// <summary>A wanted chart version may be newer than the local repo index: update that repo once and retry.</summary>
        private async Task<DeployOutcome> DeployWithRepoRetryAsync(RevisionSnapshot snapshot, string app, bool force, string description)
        {
            try
            {
                return await _session.DeployAsync(snapshot, app, force, description, CancellationToken.None).ConfigureAwait(false);
            }
            catch (HelmException e) when (e.Kind == HelmErrorKind.ChartNotFound && e.HelmMessage.Contains("helm repo update")
                && snapshot.ChartRef != null && snapshot.ChartRef.Contains("/") && !snapshot.ChartRef.StartsWith("oci://", StringComparison.Ordinal))
            {
                string repo = snapshot.ChartRef.Substring(0, snapshot.ChartRef.IndexOf('/'));
                _session.Log.Verbose($"Chart version {snapshot.ChartVersion} not in the local index of '{repo}'; updating it.");
                await _session.Helm.RepoUpdateAsync(new[] { repo }).ConfigureAwait(false);
                return await _session.DeployAsync(snapshot, app, force, description, CancellationToken.None).ConfigureAwait(false);
            }
        }

        /// <summary>Adds the config's repositories that helm lacks or knows under another URL (once per run).</summary>
        private async Task EnsureReposAsync(SbkubeConfig config)
        {
            if (config.Sources.HelmRepos.Count == 0)
            {
                return;
            }
            IReadOnlyList<HelmRepoEntry> known = await _session.Helm.RepoListAsync().ConfigureAwait(false);
            foreach (HelmRepository repo in config.Sources.HelmRepos)
            {
                HelmRepoEntry? existing = known.FirstOrDefault(k => k.Name == repo.Name);
                if (existing != null && string.Equals(existing.Url.TrimEnd('/'), repo.Url.TrimEnd('/'), StringComparison.Ordinal))
                {
                    continue;
                }
                _session.Log.Verbose($"Adding helm repository '{repo.Name}' ({ConfigText.RedactUrl(repo.Url)}).");
                _session.Redactor.LearnValue(repo.Password);
                await _session.Helm.RepoAddAsync(repo.Name, repo.Url, repo.Username, repo.Password, forceUpdate: existing != null)
                    .ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Someone ran helm by hand when Helm's revision of the release is not the one we recorded.
        /// Helm's list is read once per namespace.
        /// </summary>
        private async Task<string?> DetectDriftAsync(AppConfig app, DeploymentRecord deployed)
        {
            IReadOnlyList<HelmListEntry> releases;
            try
            {
                releases = await _helmReleases.GetOrAdd(app.Namespace,
                    ns => new Lazy<Task<IReadOnlyList<HelmListEntry>>>(() => _session.Helm.ListAsync(ns))).Value.ConfigureAwait(false);
            }
            catch (HelmException e) when (e.Kind != HelmErrorKind.ClusterUnreachable)
            {
                _session.Log.Warning($"Cannot list Helm releases in '{app.Namespace}' to check for drift: {e.HelmMessage}");
                return null;
            }
            return DriftDetector.Compare(deployed, releases.FirstOrDefault(r => r.Name == app.ReleaseName),
                _session.Store.MaxHelmRevision(app.Namespace, app.Name, _session.Context));
        }

        internal static string ChartLabel(RevisionSnapshot s) =>
            s.AppType == "yaml"
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
            if (!JsonNode.DeepEquals(previous.Values, next.Values))
            {
                parts.Add(parts.Count == 0 ? "Updated values" : "updated values");
            }
            if (previous.AppType == "yaml" && !ManifestsEqual(previous, next))
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
    }
}
