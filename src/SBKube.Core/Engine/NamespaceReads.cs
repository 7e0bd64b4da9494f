using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// The store reads an apply makes for every app (its deployed row; whether anything of it is pending
    /// or locked), made once per namespace when the first app there asks: a hundred unchanged apps in
    /// five namespaces cost ten queries instead of four hundred. Each phase (plan, execute) reads anew.
    /// </summary>
    internal sealed class NamespaceReads
    {
        private readonly EngineSession _session;
        private readonly ConcurrentDictionary<string, Lazy<Dictionary<string, DeploymentRecord>>> _deployed =
            new ConcurrentDictionary<string, Lazy<Dictionary<string, DeploymentRecord>>>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<Func<string, bool>>> _busy =
            new ConcurrentDictionary<string, Lazy<Func<string, bool>>>(StringComparer.Ordinal);

        internal NamespaceReads(EngineSession session)
        {
            _session = session;
        }

        /// <summary>The app's deployed revision in the session's kube context, or null.</summary>
        internal DeploymentRecord? Deployed(string ns, string app) =>
            _deployed.GetOrAdd(ns, n => new Lazy<Dictionary<string, DeploymentRecord>>(() =>
                    _session.Deployments.DeployedIn(n, _session.Context).ToDictionary(r => r.App, StringComparer.Ordinal)))
                .Value.TryGetValue(app, out DeploymentRecord? row) ? row : null;

        /// <summary>True when a revision of the app is pending (to settle) or a lock or freeze is on it or its namespace.</summary>
        internal bool Busy(string ns, string app) =>
            _busy.GetOrAdd(ns, n => new Lazy<Func<string, bool>>(() =>
            {
                var pending = new HashSet<string>(Reconciler.Inspect(_session, n).Select(p => p.Record.App), StringComparer.Ordinal);
                IReadOnlyList<LockRecord> locks = _session.Locks.InNamespace(n);
                bool wholeNamespace = locks.Any(l => l.App == LockRecord.WholeNamespace);
                var lockedApps = new HashSet<string>(locks.Select(l => l.App), StringComparer.Ordinal);
                return a => wholeNamespace || pending.Contains(a) || lockedApps.Contains(a);
            })).Value(app);
    }
}
