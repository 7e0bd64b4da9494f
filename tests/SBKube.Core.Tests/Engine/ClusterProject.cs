using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Config;
using SBKube.Core.Engine;
using SBKube.Core.Helm;
using SBKube.Core.Kubectl;
using SBKube.Core.Security;
using SBKube.Core.State;
using SBKube.Tests.Shared;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>
    /// Engine tests run real Helm against a Kubernetes API stand-in, which Helm finds through process-wide
    /// environment variables (KUBECONFIG, HELM_*_HOME), so these tests never run in parallel with each other
    /// or anything else.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ClusterCollection
    {
        public const string Name = "Real Helm (process environment)";
    }

    /// <summary>One cluster of its own (the stand-in, real Helm 4) + config folder + state DB.</summary>
    internal sealed class ClusterProject : IDisposable
    {
        private readonly StandInCluster _cluster;

        public ClusterProject()
        {
            Root = Path.Combine(Path.GetTempPath(), "sbkube-engine-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Dir = Path.Combine(Root, "project");
            Directory.CreateDirectory(Dir);
            _cluster = new StandInCluster(Root);
            DbPath = Path.Combine(Root, "state", "state.db");
            Write("sources.yaml", Sources);
            Store = StateStore.Open(DbPath);
            Session = NewSession();
        }

        public string Sources => "helm_repos:\n  bitnami: " + _cluster.BitnamiUrl + "\n";

        public string Root { get; }
        public string Dir { get; }
        public string DbPath { get; }
        public StateStore Store { get; }
        public EngineSession Session { get; private set; }
        public List<string> Warnings { get; } = new List<string>();

        public EngineSession NewSession(IStateStore? store = null) => Session = new EngineSession(store ?? Store, store ?? Store, "",
            new HelmClient(new HelmOptions { Executable = _cluster.HelmExe }),
            new KubectlClient(new KubectlOptions { Executable = _cluster.KubectlExe }),
            new SecretRedactor(), new ListLog(Warnings));

        public string Write(string rel, string content)
        {
            string p = Path.Combine(Dir, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            File.WriteAllText(p, content);
            return p;
        }

        /// <summary>The seed's single-app example.</summary>
        public void Redis(string version = "17.13.2", string size = "1Gi", string password = "state-demo-v1", string extra = "")
        {
            Write("config.yaml",
                "namespace: state-demo\n" +
                "apps:\n" +
                "  redis:\n" +
                "    type: helm\n" +
                "    chart: bitnami/redis\n" +
                $"    version: {version}\n" +
                "    values:\n" +
                "      - redis.yaml\n" + extra);
            Write("values/redis.yaml",
                "architecture: standalone\n" +
                "auth:\n" +
                $"  password: {password}\n" +
                "master:\n" +
                "  persistence:\n" +
                $"    size: {size}\n");
        }

        public SbkubeConfig Load() => ConfigLoader.Load(Dir);

        public List<AppResult> Apply(ApplyOptions? options = null) => ApplyWith(Session, options);

        public List<AppResult> ApplyWith(EngineSession session, ApplyOptions? options = null)
        {
            var results = new List<AppResult>();
            new ApplyEngine(session).RunAsync(Load(), options ?? new ApplyOptions(), r => { lock (results) results.Add(r); }, CancellationToken.None)
                .GetAwaiter().GetResult();
            return results;
        }

        public AppResult ApplyOne(ApplyOptions? options = null)
        {
            List<AppResult> results = Apply(options);
            return Assert.Single(results);
        }

        public AppResult Rollback(string app, string revision, RollbackOptions? options = null, string ns = "state-demo")
        {
            var results = new List<AppResult>();
            new RollbackEngine(Session).RunAsync(new RollbackTarget(ns, app, RevisionRef.Parse(revision, "revision")), options ?? new RollbackOptions(),
                results.Add, CancellationToken.None).GetAwaiter().GetResult();
            return Assert.Single(results);
        }

        /// <summary>What a delete of <paramref name="apps"/> (in dependency order) would remove.</summary>
        public IReadOnlyList<DeploymentRecord> PlanDelete(params (string Namespace, string App)[] apps) =>
            new DeleteEngine(Session).PlanAsync(apps, new DeleteOptions(), CancellationToken.None).GetAwaiter().GetResult().Removals;

        /// <summary>Deletes one revision as planned earlier (a plan another run may have overtaken).</summary>
        public AppResult Delete(DeploymentRecord deployed)
        {
            var results = new List<AppResult>();
            new DeleteEngine(Session).ExecuteAsync(new DeletePlan(new[] { deployed }, new DeleteOptions()), results.Add, CancellationToken.None)
                .GetAwaiter().GetResult();
            return Assert.Single(results);
        }

        /// <summary>Writes the stand-in's faults (tests/KubeStandIn/Faults.cs); null clears them.</summary>
        public void Faults(string? json) => _cluster.Faults(json);

        /// <summary>The helm calls SBKube made, oldest first.</summary>
        public List<ToolCall> Calls() => _cluster.Calls();

        public int Count(string command) => _cluster.Count(command);

        public void ForgetCalls() => _cluster.ForgetCalls();

        /// <summary>The helm SBKube is given (the call recorder in front of the real one).</summary>
        public string HelmExe => _cluster.HelmExe;

        public void CopyRelease(string ns, string release, IEnumerable<string> names) => _cluster.CopyRelease(ns, release, names);

        /// <summary>Runs the real helm directly, as a person at a terminal would.</summary>
        public (int Code, string Out, string Err) Helm(params string[] args) => _cluster.Helm(args);

        public JsonArray HelmHistory(string release, string ns = "state-demo")
        {
            var r = Helm("history", release, "-n", ns, "-o", "json");
            Assert.True(r.Code == 0, r.Err);
            return (JsonArray)JsonNode.Parse(r.Out)!;
        }

        public void Dispose()
        {
            _cluster.Dispose();
            try
            {
                Directory.Delete(Root, true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private sealed class ListLog : IEngineLog
        {
            private readonly List<string> _warnings;

            public ListLog(List<string> warnings) => _warnings = warnings;

            public void Verbose(string message) { }
            public void Debug(string message) { }
            public void Warning(string message) { lock (_warnings) _warnings.Add(message); }
            public void Warning(string message, NextStep next) => Warning($"{message} [next: {next.Kind}]");
            public void Progress(int done, int total, IReadOnlyCollection<string> running) { }
        }
    }
}
