using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Helm;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    public sealed class ApplyOptions : ChangeOptions
    {
        /// <summary>Only these apps (by name); null = all enabled apps.</summary>
        public IReadOnlyCollection<string>? Apps { get; set; }
        /// <summary>The seed's apply --force: fetch the charts' repository indexes again and redeploy even when nothing changed (never Helm's resource-replacing --force).</summary>
        public bool Force { get; set; }
        public string? Description { get; set; }
        /// <summary>The plan asks Helm: each changed Helm app is rendered (helm template), so its errors and object changes show.</summary>
        public bool RenderPlan { get; set; }
        public int ThrottleLimit { get; set; } = 4;
    }

    /// <summary>
    /// Applies a config in two steps: a plan decides once per app what to do (install, upgrade,
    /// nothing), then execution carries out the plan, or the confirmed part of it. Each app runs once
    /// everything it depends on succeeded; independent apps run concurrently up to the throttle limit.
    /// Results are reported as they finish.
    /// </summary>
    public sealed partial class ApplyEngine : ChangeEngine<SbkubeConfig, ApplyOptions, ApplyPlan>
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<HelmListEntry>>>> _helmReleases =
            new ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<HelmListEntry>>>>();
        private Lazy<Task>? _repos;

        public ApplyEngine(EngineSession session)
            : base(session)
        {
        }

        /// <summary>
        /// Decides per app what an apply would do, from the store and Helm's release list (read once per
        /// namespace); records nothing and changes nothing. Unknown <see cref="ApplyOptions.Apps"/> are an error.
        /// </summary>
        public override async Task<ApplyPlan> PlanAsync(SbkubeConfig config, ApplyOptions options, CancellationToken ct)
        {
            IReadOnlyList<AppConfig> ordered = config.InDependencyOrder();
            if (options.Apps != null)
            {
                var unknown = options.Apps.Where(a => config.FindApp(a) == null).ToList();
                if (unknown.Count > 0)
                {
                    throw new SbkubeException(
                        $"no app named {string.Join(", ", unknown.Select(u => "'" + u + "'"))} in {config.ConfigFile}; " +
                        $"known apps: {string.Join(", ", config.Apps.Select(a => a.Name))}.",
                        ErrorIds.UnknownApp, ErrorKind.ObjectNotFound, string.Join(",", unknown), input: EngineInput.AppSelection);
                }
                ordered = ordered.Where(a => options.Apps.Contains(a.Name)).ToList();
            }
            var reads = new NamespaceReads(Session);
            PlannedApp[] planned = await Task.WhenAll(ordered.Select(a => PlanAppAsync(a, options, reads))).ConfigureAwait(false);
            if (options.RenderPlan)
            {
                var sources = new Lazy<Task>(() => EnsureSourcesAsync(config, planned.Where(p => p.ChangesCluster).Select(p => p.App).ToList(), options.Force));
                planned = await Task.WhenAll(planned.Select(p => PlanRenderer.RenderAsync(Session, p, () => sources.Value))).ConfigureAwait(false);
            }
            return new ApplyPlan(config, planned, options);
        }

        /// <summary>
        /// Carries out a plan: each app under its lock, after checking the plan still holds for it. An app
        /// deployed by another run since planning fails as PlanOutdated when the plan was confirmed (what was
        /// confirmed is no longer what would happen); a plan nobody reviewed is made again for it under its lock.
        /// </summary>
        public override async Task ExecuteAsync(ApplyPlan plan, Action<AppResult> onResult, CancellationToken stopLaunching)
        {
            _repos = new Lazy<Task>(() => EnsureSourcesAsync(plan.Config, plan.Apps.Select(a => a.App).ToList(), plan.Options.Force));
            Session.ConfigFolder = plan.Config.Directory;
            using IDisposable namespaces = await HoldNamespacesAsync(plan.Apps.Select(a => a.Namespace), "apply", plan.Options, stopLaunching)
                .ConfigureAwait(false);
            await RunAppsAsync(plan.Apps, plan.Options, onResult, replanOutdated: !plan.Confirmed, stopLaunching).ConfigureAwait(false);
        }

        private async Task RunAppsAsync(IReadOnlyList<PlannedApp> ordered, ApplyOptions options,
            Action<AppResult> onResult, bool replanOutdated, CancellationToken stopLaunching)
        {
            var selected = new HashSet<string>(ordered.Select(a => a.Name));
            var tasks = new Dictionary<string, Task<AppResult>>();
            var running = new ConcurrentDictionary<string, bool>();
            int done = 0;
            using var throttle = new SemaphoreSlim(Math.Max(1, options.ThrottleLimit));
            var reads = new NamespaceReads(Session);
            object report = new object();

            void Report(AppResult r)
            {
                lock (report)
                {
                    done++;
                    onResult(r);
                    Session.Log.Progress(done, ordered.Count, running.Keys.ToList());
                }
            }

            foreach (PlannedApp planned in ordered)
            {
                Task<AppResult>[] deps = planned.App.DependsOn.Where(selected.Contains).Select(d => tasks[d]).ToArray();
                tasks[planned.Name] = Task.Run(async () =>
                {
                    AppResult[] depResults = await Task.WhenAll(deps).ConfigureAwait(false);
                    AppResult? failedDep = depResults.FirstOrDefault(d => !d.Succeeded);
                    AppResult result;
                    if (failedDep != null)
                    {
                        result = Skip(planned.App, $"Skipped: dependency '{failedDep.App}' {(failedDep.Outcome == AppOutcome.Failed ? "failed" : "was skipped")}.");
                    }
                    else
                    {
                        await throttle.WaitAsync().ConfigureAwait(false);
                        try
                        {
                            if (stopLaunching.IsCancellationRequested)
                            {
                                result = Skip(planned.App, "Skipped: the run was stopped before this app started.");
                                await RecordAttemptAsync(planned, planned.Deployed != null, AuditOutcome.Cancelled,
                                    "the run was stopped before this app started", null).ConfigureAwait(false);
                            }
                            else
                            {
                                running[planned.Name] = true;
                                Session.Log.Progress(done, ordered.Count, running.Keys.ToList());
                                result = await ApplyAppAsync(planned, options, replanOutdated, reads, stopLaunching).ConfigureAwait(false);
                                running.TryRemove(planned.Name, out _);
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

        private async Task<PlannedApp> PlanAppAsync(AppConfig app, ApplyOptions options, NamespaceReads reads)
        {
            try
            {
                RevisionSnapshot snapshot = SnapshotBuilder.Build(app);
                Session.Redactor.Learn(snapshot.Values, snapshot.Rules);
                string hash = snapshot.ComputeHash();
                DeploymentRecord? deployed = reads.Deployed(app.Namespace, app.Name);
                (string? drift, string? behind) = app.Type == AppType.Helm
                    ? await CompareWithHelmAsync(app, deployed).ConfigureAwait(false)
                    : (null, null);
                if (deployed != null && deployed.ConfigHash == hash && drift == null && !options.Force)
                {
                    return new PlannedApp(app, PlannedAction.Unchanged, "Unchanged", snapshot, hash, deployed);
                }
                if (behind != null)
                {
                    Session.Log.Warning($"{app.Namespace}/{app.Name}: {behind} (its rows were deleted, an older copy restored, or helm installed it outside SBKube); " +
                        "this apply records Helm's release as an upgrade with a new revision number.");
                }
                // Parsed only for a change: what it changes is described against it.
                RevisionSnapshot? previous = deployed?.Config != null ? RevisionSnapshot.FromJson(deployed.Config) : null;
                string description = Session.Redactor.RedactText(options.Description
                    ?? (behind != null ? char.ToUpperInvariant(behind[0]) + behind.Substring(1) : Describe(previous, snapshot, deployed?.ConfigHash == hash, drift)))!;
                string action = deployed == null && behind == null ? PlannedAction.Install
                    : deployed != null && deployed.ConfigHash == hash && drift != null ? PlannedAction.Redeploy
                    : PlannedAction.Upgrade;
                if (app.Type == AppType.Helm)
                {
                    // An option this Helm lacks fails the plan, so -WhatIf shows it too.
                    await Session.Helm.EnsureSupportedAsync(snapshot.Apply, $"{app.Namespace}/{app.Name}").ConfigureAwait(false);
                }
                return new PlannedApp(app, action, description, snapshot, hash, deployed, drift: drift);
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                (string message, string errorId) = Session.Describe(e);
                return new PlannedApp(app, PlannedAction.Fail, null, null, null, null, message, errorId,
                    failureNext: (e as GuidedException)?.Next);
            }
        }

        /// <summary>
        /// The deployed row of an app planned unchanged, when confirming that needs no lock: nothing of it is
        /// pending (to settle), no lock or freeze is on it or its namespace (to wait for or fail on), and the
        /// row is still the one planned. An unchanged app then costs reads only, no write to the store.
        /// </summary>
        private static DeploymentRecord? UnchangedWithoutLock(PlannedApp planned, NamespaceReads reads)
        {
            AppConfig app = planned.App;
            if (reads.Busy(app.Namespace, app.Name))
            {
                return null;
            }
            DeploymentRecord? deployed = reads.Deployed(app.Namespace, app.Name);
            return deployed != null && deployed.Id == planned.Deployed?.Id ? deployed : null;
        }

        private async Task<AppResult> ApplyAppAsync(PlannedApp planned, ApplyOptions options, bool replanOutdated, NamespaceReads reads,
            CancellationToken stopLaunching)
        {
            var clock = Stopwatch.StartNew();
            AppConfig app = planned.App;
            var result = new AppResult { Namespace = app.Namespace, App = app.Name, ReleaseName = app.ReleaseName, Operation = "apply" };
            IDisposable? appLock = null;
            try
            {
                if (planned.Action == PlannedAction.Fail)
                {
                    await RecordAttemptAsync(planned, reads.Deployed(app.Namespace, app.Name) != null, AuditOutcome.Failed,
                        planned.Failure ?? "", planned.FailureId).ConfigureAwait(false);
                    return FailedPlan(result, planned);
                }
                if (planned.Action == PlannedAction.Unchanged && UnchangedWithoutLock(planned, reads) is DeploymentRecord current)
                {
                    return Unchanged(result, planned, current);
                }
                // Two runs never deploy the same app at once, with or without -Lock. An attempt that ends here is on the record.
                try
                {
                    appLock = await RevisionRecorder.HoldAsync(Session, (Session.Context, app.Namespace, app.Name),
                        planned.Action == PlannedAction.Install ? HistoryAction.Deploy : HistoryAction.Upgrade, planned.Description ?? "Apply",
                        wholeNamespace: false, options.LockTimeout, stopLaunching, operation: "apply").ConfigureAwait(false);
                }
                catch (Exception) when (stopLaunching.IsCancellationRequested)
                {
                    // Ctrl+C ends a wait for the lock; only a change already under way runs to its end.
                    return Skip(app, "Skipped: the run was stopped while this app waited for its lock.");
                }
                catch (Exception e) when (!(e is StateStoreException) && !(e is OutOfMemoryException))
                {
                    Fail(result, e);
                    return result;
                }
                DeploymentRecord? deployed = Session.Deployments.GetDeployed(app.Namespace, app.Name, Session.Context);
                if (deployed?.Id != planned.Deployed?.Id && replanOutdated)
                {
                    // Helm's list read for the plan predates that run: read it again for the drift check.
                    _helmReleases.TryRemove(app.Namespace, out _);
                    planned = await PlanAppAsync(app, options, new NamespaceReads(Session)).ConfigureAwait(false);
                    if (planned.Action == PlannedAction.Fail)
                    {
                        await RecordAttemptAsync(planned, deployed != null, AuditOutcome.Failed, planned.Failure ?? "", planned.FailureId).ConfigureAwait(false);
                        return FailedPlan(result, planned);
                    }
                }
                if (deployed?.Id != planned.Deployed?.Id)
                {
                    throw new SbkubeException(
                        $"{app.Namespace}/{app.Name} changed since it was planned: revision {deployed?.Revision.ToString(CultureInfo.InvariantCulture) ?? "(none)"} is deployed now, " +
                        $"not {planned.Deployed?.Revision.ToString(CultureInfo.InvariantCulture) ?? "(none)"}. Nothing was done for it; apply again to plan anew.",
                        ErrorIds.PlanOutdated, ErrorKind.InvalidOperation, $"{app.Namespace}/{app.Name}");
                }
                RevisionSnapshot snapshot = planned.Snapshot!;
                result.Chart = ChartLabel(snapshot);
                result.Description = planned.Description;
                if (planned.Action == PlannedAction.Unchanged)
                {
                    return Unchanged(result, planned, deployed!);
                }
                if (app.Type == AppType.Helm)
                {
                    await _repos!.Value.ConfigureAwait(false);
                }
                bool install = planned.Action == PlannedAction.Install;
                string description = planned.Description!;
                var row = new NewDeployment
                {
                    Context = Session.Context,
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
                    ConfigHash = planned.ConfigHash,
                };
                await RevisionRecorder.RecordAsync(Session, result, new ChangeToRecord(row, install ? HistoryAction.Deploy : HistoryAction.Upgrade,
                    install ? AppOutcome.Installed : AppOutcome.Upgraded, description, async () =>
                    {
                        DeployOutcome outcome = await DeployWithRepoRetryAsync(snapshot, app.Name, description).ConfigureAwait(false);
                        // What Helm deployed, as it says (a chart pinned by digest names no version in config).
                        return new RecordedChange(DeploymentStatus.Deployed, outcome.HelmRevision, description)
                        {
                            Chart = outcome.ChartName != null && outcome.ChartVersion != null ? $"{outcome.ChartName}-{outcome.ChartVersion}" : null,
                            ChartVersion = outcome.ChartVersion,
                        };
                    }) { HelmAfterFailure = () => Session.HelmAfterFailureAsync(snapshot, app.Name) }).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                (string message, string errorId) = Fail(result, e);
                if (!(e is StateStoreException))
                {
                    await RecordAttemptAsync(planned, planned.Deployed != null, AuditOutcome.Failed, message, errorId).ConfigureAwait(false);
                }
            }
            finally
            {
                appLock?.Dispose();
                result.Duration = clock.Elapsed;
            }
            return result;
        }
    }
}
