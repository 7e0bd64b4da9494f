using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SBKube.Core.Engine
{
    /// <summary>What every operation that changes apps takes: how it locks.</summary>
    public abstract class ChangeOptions
    {
        /// <summary>Hold a lock on every namespace of the run for the whole run, not only each app's.</summary>
        public bool Lock { get; set; }
        /// <summary>How long to wait for a lock someone else holds (zero = fail at once).</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.Zero;
    }

    /// <summary>
    /// The one shape of apply, rollback and delete. <see cref="PlanAsync"/> reads the store and Helm and changes
    /// nothing (a -WhatIf stops there); <see cref="ExecuteAsync"/> carries out a plan, or the part of it someone
    /// confirmed, with the options it was made with: each app under its lock, taken through
    /// <see cref="RevisionRecorder.HoldAsync"/>, checked again there, changed through the session's fenced
    /// <see cref="EngineSession.Changes"/>, and recorded; each app's result is reported as it ends.
    /// </summary>
    /// <typeparam name="TRequest">What the caller names: a config, a revision of an app, apps to remove.</typeparam>
    public abstract class ChangeEngine<TRequest, TOptions, TPlan> where TOptions : ChangeOptions
    {
        protected ChangeEngine(EngineSession session)
        {
            Session = session;
        }

        protected EngineSession Session { get; }

        /// <summary>Decides what the operation would do; records nothing and changes nothing.</summary>
        public abstract Task<TPlan> PlanAsync(TRequest request, TOptions options, CancellationToken ct);

        /// <summary>
        /// Carries out <paramref name="plan"/>. <paramref name="stopLaunching"/> (Ctrl+C) ends the waits and starts
        /// nothing new; a change Helm has begun runs to its end and is recorded.
        /// </summary>
        public abstract Task ExecuteAsync(TPlan plan, Action<AppResult> onResult, CancellationToken stopLaunching);

        /// <summary>Plans and carries out the plan at once, for a caller that shows it to nobody.</summary>
        public async Task RunAsync(TRequest request, TOptions options, Action<AppResult> onResult, CancellationToken stopLaunching)
        {
            TPlan plan = await PlanAsync(request, options, stopLaunching).ConfigureAwait(false);
            await ExecuteAsync(plan, onResult, stopLaunching).ConfigureAwait(false);
        }

        /// <summary>
        /// With <see cref="ChangeOptions.Lock"/>, the run's namespaces locked until the result is disposed; taken in
        /// name order, so that two runs over the same namespaces cannot each hold one the other waits for.
        /// </summary>
        protected async Task<IDisposable> HoldNamespacesAsync(IEnumerable<string> namespaces, string operation, ChangeOptions options,
            CancellationToken ct)
        {
            var leases = new List<LockLease>();
            if (!options.Lock)
            {
                return new Leases(leases);
            }
            try
            {
                foreach (string ns in namespaces.Distinct().OrderBy(n => n, StringComparer.Ordinal))
                {
                    leases.Add(await Session.Locks.LockAsync(ns, null, operation, options.LockTimeout, ct).ConfigureAwait(false));
                }
                return new Leases(leases);
            }
            catch
            {
                leases.ForEach(l => l.Dispose());
                throw;
            }
        }

        private sealed class Leases : IDisposable
        {
            private readonly List<LockLease> _leases;

            internal Leases(List<LockLease> leases) => _leases = leases;

            public void Dispose() => _leases.ForEach(l => l.Dispose());
        }
    }
}
