using System;
using System.Threading.Tasks;
using SBKube.Tests.Shared;
using SBKube.Core.Engine;
using SBKube.Core.Helm;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>A run whose lease was taken over while it was paused must not touch the cluster again.</summary>
    [Collection(ClusterCollection.Name)]
    public sealed class FencingTests : IDisposable
    {
        private readonly ClusterProject _p = new ClusterProject();

        public void Dispose() => _p.Dispose();

        private static RevisionSnapshot Redis() => new RevisionSnapshot { AppType = "helm", ReleaseName = "redis", Namespace = "state-demo" };

        [ClusterFact]
        public async Task With_its_lease_held_the_session_calls_helm()
        {
            using LockLease lease = await _p.Session.Locks.LockAsync("state-demo", "redis", "delete", TimeSpan.Zero);
            // The release does not exist, so Helm fails; what matters is that it was asked.
            await Assert.ThrowsAnyAsync<HelmException>(() => _p.Session.Changes.RemoveAsync(Redis(), "redis", default));
            Assert.Equal(1, _p.Count("uninstall"));
        }

        [ClusterFact]
        public async Task A_lease_taken_over_by_another_run_stops_the_next_helm_call()
        {
            using LockLease lease = await _p.Session.Locks.LockAsync("state-demo", "redis", "delete", TimeSpan.Zero);
            // What another host does once the lease lapsed: the row is gone (taken over or force-unlocked).
            Assert.NotNull(_p.Store.ReleaseLock(lease.Record.LockId, forcedBy: "someone@elsewhere"));

            SbkubeException e = await Assert.ThrowsAsync<SbkubeException>(() => _p.Session.Changes.RemoveAsync(Redis(), "redis", default));
            Assert.Equal("LockLost", e.ErrorId);
            Assert.Contains(lease.Record.LockId, e.Message, StringComparison.Ordinal);
            Assert.Equal(0, _p.Count("uninstall"));
        }

        [ClusterFact]
        public async Task Only_the_locks_covering_the_app_are_checked()
        {
            // Parallel apply: another app's lease may be released (or lost) while this app deploys.
            using LockLease mine = await _p.Session.Locks.LockAsync("state-demo", "redis", "delete", TimeSpan.Zero);
            using LockLease other = await _p.Session.Locks.LockAsync("platform", "db", "apply", TimeSpan.Zero);
            using LockLease sibling = await _p.Session.Locks.LockAsync("state-demo", "cache", "apply", TimeSpan.Zero);
            Assert.NotNull(_p.Store.ReleaseLock(other.Record.LockId, forcedBy: "someone@elsewhere"));
            Assert.NotNull(_p.Store.ReleaseLock(sibling.Record.LockId, forcedBy: "someone@elsewhere"));

            await Assert.ThrowsAnyAsync<HelmException>(() => _p.Session.Changes.RemoveAsync(Redis(), "redis", default));
            Assert.Equal(1, _p.Count("uninstall"));
        }

        [ClusterFact]
        public async Task A_lost_namespace_lock_stops_the_apps_of_that_namespace()
        {
            using LockLease ns = await _p.Session.Locks.LockAsync("state-demo", null, "apply", TimeSpan.Zero);
            using LockLease mine = await _p.Session.Locks.LockAsync("state-demo", "redis", "apply", TimeSpan.Zero);
            Assert.NotNull(_p.Store.ReleaseLock(ns.Record.LockId, forcedBy: "someone@elsewhere"));

            SbkubeException e = await Assert.ThrowsAsync<SbkubeException>(() => _p.Session.Changes.RemoveAsync(Redis(), "redis", default));
            Assert.Equal("LockLost", e.ErrorId);
            Assert.Contains("namespace 'state-demo'", e.Message, StringComparison.Ordinal);
            Assert.Equal(0, _p.Count("uninstall"));
        }

        [ClusterFact]
        public async Task A_released_lease_is_no_longer_checked()
        {
            LockLease lease = await _p.Session.Locks.LockAsync("state-demo", "redis", "delete", TimeSpan.Zero);
            lease.Dispose();
            await Assert.ThrowsAnyAsync<HelmException>(() => _p.Session.Changes.RemoveAsync(Redis(), "redis", default));
            Assert.Equal(1, _p.Count("uninstall"));
        }
    }
}
