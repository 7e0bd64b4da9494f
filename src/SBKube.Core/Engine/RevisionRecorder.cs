using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.State;
using SBKube.Core.Tools;

namespace SBKube.Core.Engine
{
    /// <summary>What a change to the cluster left, for its revision row.</summary>
    internal sealed class RecordedChange
    {
        public RecordedChange(string status, int? helmRevision, string description, string? supersededFailedBecause = null)
        {
            Status = status;
            HelmRevision = helmRevision;
            Description = description;
            SupersededFailedBecause = supersededFailedBecause;
        }

        public string Status { get; }
        public int? HelmRevision { get; }
        public string Description { get; }
        /// <summary>Why the revision this change replaces was bad: it is recorded as failed, not superseded.</summary>
        public string? SupersededFailedBecause { get; }
        /// <summary>The chart as Helm reports it deployed ("redis-17.13.2"), when it says; the row keeps what config said otherwise.</summary>
        public string? Chart { get; set; }
        public string? ChartVersion { get; set; }
    }

    /// <summary>A change to record: the pending row it starts with, its history action and words, and the change itself.</summary>
    internal sealed class ChangeToRecord
    {
        /// <param name="success">The outcome when it works (<see cref="AppOutcome"/>).</param>
        /// <param name="failedAs">Names the attempt in a failed row's description: "{failedAs} (FAILED: reason)".</param>
        internal ChangeToRecord(NewDeployment row, string action, string success, string failedAs, Func<Task<RecordedChange>> make)
        {
            Row = row;
            Action = action;
            Success = success;
            FailedAs = failedAs;
            Make = make;
        }

        public NewDeployment Row { get; }
        public string Action { get; }
        public string Success { get; }
        public string FailedAs { get; }
        public Func<Task<RecordedChange>> Make { get; }
        /// <summary>What Helm's history shows once the change failed; unknown unless set (a change Helm cannot be asked about).</summary>
        public Func<Task<HelmAfterFailure>> HelmAfterFailure { get; set; } = () => Task.FromResult(Engine.HelmAfterFailure.Unknown);
    }

    /// <summary>What Helm's history shows after a failed attempt.</summary>
    internal readonly struct HelmAfterFailure
    {
        private HelmAfterFailure(bool known, int? newRevision)
        {
            Known = known;
            NewRevision = newRevision;
        }

        /// <summary>Helm could not be asked, or the change is not Helm's (a manifest app).</summary>
        public static HelmAfterFailure Unknown => default;

        /// <summary>Helm recorded nothing since the revisions SBKube knows: the attempt never reached its history.</summary>
        public static HelmAfterFailure Nothing => new HelmAfterFailure(true, null);

        public static HelmAfterFailure Made(int revision) => new HelmAfterFailure(true, revision);

        public bool Known { get; }

        /// <summary>The revision the failed attempt left (a failed upgrade, or Helm's own rollback of it).</summary>
        public int? NewRevision { get; }

        public bool RecordedNothing => Known && NewRevision == null;
    }

    /// <summary>
    /// The bookkeeping of every change apply, rollback and delete make: a pending row first (so a
    /// crash leaves a trace that can be settled), then the change, then the row finished as what the
    /// change left, or as failed with the reason and the Helm revision the attempt left behind. An attempt
    /// that Helm never recorded (it failed before reaching the cluster) makes no revision: its row goes, and
    /// the attempt stays on the record in the app's history.
    /// </summary>
    internal static class RevisionRecorder
    {
        /// <summary>Records <paramref name="change"/> as it happens, and fills in <paramref name="result"/> with how it ended.</summary>
        internal static async Task RecordAsync(EngineSession session, AppResult result, ChangeToRecord change)
        {
            NewDeployment row = change.Row;
            await session.CompleteProvenanceAsync().ConfigureAwait(false);
            DeploymentRecord pending = session.Deployments.BeginDeployment(row);
            try
            {
                RecordedChange done = await change.Make().ConfigureAwait(false);
                string made = done.HelmRevision is int r ? $"Helm made revision {r} ({done.Status})" : $"Helm's change is made ({done.Status})";
                DeploymentRecord finished = AfterHelm(row, made, () => session.Deployments.FinishDeployment(pending.Id, done.Status, done.HelmRevision,
                    done.Description, change.Action, supersededFailedBecause: done.SupersededFailedBecause, chart: done.Chart, chartVersion: done.ChartVersion));
                result.Outcome = change.Success;
                result.Chart = finished.Chart;
                result.Description = done.Description;
                result.HelmRevision = finished.HelmRevision;
                Fill(result, finished);
            }
            catch (ToolExitUnknownException lost)
            {
                // Never counted a success on its own: Helm's own record of the release says what happened.
                DeploymentRecord settled = await Reconciler.SettleAsync(session, pending, default, lost.Message).ConfigureAwait(false);
                Fill(result, settled);
                result.Description = settled.Description;
                result.HelmRevision = settled.HelmRevision;
                if (settled.Status == DeploymentStatus.Deployed || settled.Status == DeploymentStatus.Uninstalled)
                {
                    result.Outcome = change.Success;
                    session.Log.Warning($"{row.Namespace}/{row.App}: {lost.Message} Helm's history shows it {settled.Status}, so it is recorded so.");
                    return;
                }
                result.Outcome = AppOutcome.Failed;
                result.Message = session.Redactor.RedactText(lost.Message);
                result.ErrorId = ErrorIds.ToolExitUnknown;
            }
            catch (Exception e) when (!(e is StateStoreException))
            {
                (string message, string errorId) = session.Describe(e);
                HelmAfterFailure helm = await change.HelmAfterFailure().ConfigureAwait(false);
                string failedDescription = $"{change.FailedAs} (FAILED: {message})";
                if (helm.RecordedNothing)
                {
                    AfterHelm(row, $"Helm's attempt failed ({message})", () =>
                    {
                        session.Deployments.DropAttempt(pending.Id, change.Action, failedDescription, errorId);
                        return pending;
                    });
                }
                else
                {
                    Fill(result, AfterHelm(row, $"Helm's attempt failed ({message})", () => session.Deployments.FinishDeployment(pending.Id,
                        DeploymentStatus.Failed, helm.NewRevision, failedDescription, change.Action, errorId: errorId)));
                }
                result.Outcome = AppOutcome.Failed;
                result.Message = message;
                result.ErrorId = errorId;
                result.Next = (e as GuidedException)?.Next;
                if (result.Next != null)
                {
                    // A next step about this attempt is about this app (a Helm error's step knows neither).
                    result.Next.Namespace ??= row.Namespace;
                    result.Next.App ??= row.App;
                }
            }
        }

        /// <summary>
        /// What apply, rollback and delete do before they change an app: take the app's lock (and its namespace's with
        /// <paramref name="wholeNamespace"/>), settle what an interrupted run left, and stop when asked to. An attempt
        /// that ends here (refused by a lock, stopped, a pending row that cannot be settled) goes on the record in the
        /// app's history as <paramref name="action"/>, and its error goes on to the caller.
        /// </summary>
        /// <returns>The leases, released together.</returns>
        /// <param name="operation">What the lock says is under way (apply, rollback, delete); the history action by default.</param>
        internal static async Task<IDisposable> HoldAsync(EngineSession session, (string Context, string Namespace, string App) app, string action,
            string description, bool wholeNamespace, TimeSpan lockTimeout, CancellationToken stopping, string? operation = null)
        {
            var leases = new List<LockLease>();
            try
            {
                if (wholeNamespace)
                {
                    leases.Add(await session.Locks.LockAsync(app.Namespace, null, operation ?? action, lockTimeout, stopping).ConfigureAwait(false));
                }
                leases.Add(await session.Locks.LockAsync(app.Namespace, app.App, operation ?? action, lockTimeout, stopping).ConfigureAwait(false));
                await Reconciler.SettleInterruptedAsync(session, app.Namespace, app.App, stopping).ConfigureAwait(false);
                stopping.ThrowIfCancellationRequested();
                return new Leases(leases);
            }
            catch (Exception e) when (!(e is StateStoreException))
            {
                leases.ForEach(l => l.Dispose());
                bool cancelled = stopping.IsCancellationRequested;
                (string message, string errorId) = session.Describe(e);
                await RecordAttemptAsync(session, app.Context, app.Namespace, app.App, action,
                    cancelled ? $"{description} (CANCELLED: stopped before it changed anything)" : $"{description} (FAILED: {message})",
                    cancelled ? AuditOutcome.Cancelled : AuditOutcome.Failed, cancelled ? null : errorId).ConfigureAwait(false);
                throw;
            }
        }

        private sealed class Leases : IDisposable
        {
            private readonly List<LockLease> _leases;

            internal Leases(List<LockLease> leases) => _leases = leases;

            public void Dispose()
            {
                for (int i = _leases.Count - 1; i >= 0; i--)
                {
                    _leases[i].Dispose();
                }
            }
        }

        /// <summary>
        /// Puts an attempt that made no revision on the record (refused by a lock, cancelled, failed before Helm).
        /// A store that fails now is a warning: the attempt's own error is what the caller reports.
        /// </summary>
        /// <param name="outcome"><see cref="AuditOutcome.Failed"/> or <see cref="AuditOutcome.Cancelled"/>.</param>
        internal static async Task RecordAttemptAsync(EngineSession session, string context, string ns, string app, string action,
            string description, string outcome, string? errorId)
        {
            try
            {
                await session.CompleteProvenanceAsync().ConfigureAwait(false);
                session.Deployments.RecordAttempt(context, ns, app, action, description, outcome, errorId);
            }
            catch (StateStoreException store)
            {
                session.Log.Warning($"{ns}/{app}: the {(outcome == AuditOutcome.Cancelled ? "cancelled" : "failed")} attempt could not be recorded: {store.Message}");
            }
        }

        /// <summary>
        /// Finishes the row once Helm has acted. A store that fails now (a PostgreSQL outage, a full disk)
        /// must not be reported as if nothing happened: the error says what Helm did and that the row, left
        /// pending, is settled from Helm's history by the next operation on the app once the store is back.
        /// </summary>
        private static DeploymentRecord AfterHelm(NewDeployment row, string helmDid, Func<DeploymentRecord> finish)
        {
            try
            {
                return finish();
            }
            catch (StateStoreException e)
            {
                throw new StateStoreException(e.Kind, e.Path,
                    $"{helmDid}, but the state store could not record it: {e.Message} Its row stays pending until the store can be reached.",
                    e, new NextStep(NextStepKind.SettlePending) { Namespace = row.Namespace, App = row.App });
            }
        }

        private static void Fill(AppResult result, DeploymentRecord row)
        {
            result.Record = row;
            result.Revision = row.Revision;
            result.Status = row.Status;
        }
    }
}
