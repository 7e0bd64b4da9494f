using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;
using SBKube.Tests.Shared;
using SBKube.Core.Engine;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>How often an apply asks the store: per namespace, not per app (issue 15: 100 unchanged apps).</summary>
    [Collection(ClusterCollection.Name)]
    public sealed class StoreReadsTests : IDisposable
    {
        private readonly ClusterProject _p = new ClusterProject();

        public void Dispose() => _p.Dispose();

        [ClusterFact]
        public void An_unchanged_apply_of_twelve_apps_in_three_namespaces_reads_each_namespace_once_per_phase()
        {
            _p.Write("config.yaml", "namespace: ns-0\napps:\n" + string.Concat(Enumerable.Range(1, 12).Select(i =>
                $"  app{i}:\n    type: helm\n    chart: bitnami/nginx\n    version: 15.0.0\n    namespace: ns-{i % 3}\n")));
            Assert.All(_p.Apply(), r => Assert.True(r.Outcome == AppOutcome.Installed, r.Message));

            IStateStore counting = CountingStore.Wrap(_p.Store, out ConcurrentDictionary<string, int> calls);
            _p.NewSession(counting);
            var results = _p.Apply();

            Assert.Equal(12, results.Count);
            Assert.All(results, r => Assert.Equal(AppOutcome.Unchanged, r.Outcome));
            // Plan and execute each read a namespace's deployed rows once; pending rows and locks once at execution.
            Assert.Equal(6, calls.GetValueOrDefault(nameof(IStateStore.DeployedIn)));
            Assert.Equal(3, calls.GetValueOrDefault(nameof(IStateStore.Pending)));
            Assert.Equal(3, calls.GetValueOrDefault(nameof(IStateStore.Locks)));
            Assert.Equal(0, calls.GetValueOrDefault(nameof(IStateStore.GetDeployed)));
        }

        [ClusterFact]
        public void A_lock_on_one_app_sends_only_that_app_through_its_lock()
        {
            _p.Write("config.yaml", "namespace: ns-0\napps:\n" + string.Concat(Enumerable.Range(1, 3).Select(i =>
                $"  app{i}:\n    type: helm\n    chart: bitnami/nginx\n    version: 15.0.0\n")));
            Assert.All(_p.Apply(), r => Assert.True(r.Outcome == AppOutcome.Installed, r.Message));
            LockRecord freeze = _p.Store.TryAcquireLock(new LockRequest
            {
                Namespace = "ns-0", App = "app2", Operation = "freeze", Reason = "maintenance", Freeze = true,
            }).Acquired!;

            var results = _p.Apply().ToDictionary(r => r.App);

            Assert.Equal(AppOutcome.Unchanged, results["app1"].Outcome);
            Assert.Equal(AppOutcome.Failed, results["app2"].Outcome);
            Assert.Equal(ErrorIds.LockHeld, results["app2"].ErrorId);
            Assert.Equal(AppOutcome.Unchanged, results["app3"].Outcome);
            _p.Store.ReleaseLock(freeze.LockId);
        }

        /// <summary>An IStateStore that counts the calls of each member and passes them on.</summary>
        public class CountingStore : DispatchProxy
        {
            private IStateStore? _inner;
            private readonly ConcurrentDictionary<string, int> _calls = new ConcurrentDictionary<string, int>();

            public static IStateStore Wrap(IStateStore inner, out ConcurrentDictionary<string, int> calls)
            {
                IStateStore proxy = Create<IStateStore, CountingStore>();
                var self = (CountingStore)(object)proxy;
                self._inner = inner;
                calls = self._calls;
                return proxy;
            }

            protected override object? Invoke(MethodInfo? method, object?[]? args)
            {
                _calls.AddOrUpdate(method!.Name, 1, (_, n) => n + 1);
                try
                {
                    return method.Invoke(_inner, args);
                }
                catch (TargetInvocationException e) when (e.InnerException != null)
                {
                    ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                    throw;
                }
            }
        }
    }
}
