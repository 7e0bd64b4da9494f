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
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    /// <summary>
    /// Engine tests run the real HelmSim, whose "cluster" lives in $HELMSIM_HOME — a process-wide
    /// environment variable, so these tests never run in parallel with each other or anything else.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class HelmSimCollection
    {
        public const string Name = "HelmSim (process environment)";
    }

    /// <summary>One isolated simulator cluster + config folder + state DB.</summary>
    internal sealed class SimProject : IDisposable
    {
        public const string Sources = "helm_repos:\n  bitnami: https://charts.bitnami.com/bitnami\n";

        private readonly string? _oldHome;

        public SimProject()
        {
            Root = Path.Combine(Path.GetTempPath(), "sbkube-engine-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Home = Path.Combine(Root, "helmsim");
            Dir = Path.Combine(Root, "project");
            Directory.CreateDirectory(Home);
            Directory.CreateDirectory(Dir);
            DbPath = Path.Combine(Root, "state", "state.db");
            _oldHome = Environment.GetEnvironmentVariable("HELMSIM_HOME");
            Environment.SetEnvironmentVariable("HELMSIM_HOME", Home);
            Write("sources.yaml", Sources);
            Store = StateStore.Open(DbPath);
            Session = NewSession();
        }

        public static string HelmExe
        {
            get
            {
                string path = Path.Combine(AppContext.BaseDirectory, "helmsim", OperatingSystem.IsWindows() ? "helm.exe" : "helm");
                Assert.True(File.Exists(path), "HelmSim not found next to the tests (the test project builds and copies it): " + path);
                return path;
            }
        }

        public string Root { get; }
        public string Home { get; }
        public string Dir { get; }
        public string DbPath { get; }
        public StateStore Store { get; }
        public EngineSession Session { get; private set; }
        public List<string> Warnings { get; } = new List<string>();

        public EngineSession NewSession(IStateStore? store = null) => Session = new EngineSession(store ?? Store, "",
            new HelmClient(new HelmOptions { Executable = HelmExe }),
            new KubectlClient(new KubectlOptions { Executable = "kubectl" }),
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
            var engine = new RollbackEngine(Session);
            options ??= new RollbackOptions();
            RollbackPlan plan = engine.PlanAsync(ns, app, RevisionRef.Parse(revision, "revision"), options, CancellationToken.None).GetAwaiter().GetResult();
            return engine.RunAsync(plan, options, CancellationToken.None).GetAwaiter().GetResult();
        }

        public AppResult Delete(DeploymentRecord deployed) =>
            new DeleteEngine(Session).DeleteAsync(deployed, TimeSpan.Zero, CancellationToken.None).GetAwaiter().GetResult();

        /// <summary>Moves the simulator's write time on, as replacing the helm binary would (HelmClient caches its version per binary).</summary>
        public static void ReplaceHelm() => File.SetLastWriteTimeUtc(HelmExe, File.GetLastWriteTimeUtc(HelmExe).AddSeconds(1));

        public void Faults(string json) => File.WriteAllText(Path.Combine(Home, "faults.json"), json);

        /// <summary>$HELMSIM_HOME/calls.log, one entry per helm invocation.</summary>
        public List<HelmCall> Calls()
        {
            string path = Path.Combine(Home, "calls.log");
            if (!File.Exists(path)) return new List<HelmCall>();
            return File.ReadAllLines(path).Where(l => l.Length > 0).Select(l =>
            {
                JsonObject o = (JsonObject)JsonNode.Parse(l)!;
                return new HelmCall(
                    ((JsonArray)o["argv"]!).Select(a => (string)a!).ToArray(),
                    DateTime.Parse((string)o["start"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
                    DateTime.Parse((string)o["end"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal),
                    (int)o["exit"]!);
            }).ToList();
        }

        public int Count(string command) => Calls().Count(c => c.Command == command);

        /// <summary>Runs the simulator directly, as a person at a terminal would.</summary>
        public (int Code, string Out, string Err) Helm(params string[] args)
        {
            var psi = new ProcessStartInfo(HelmExe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            psi.Environment["HELMSIM_HOME"] = Home;
            using Process p = Process.Start(psi)!;
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output, err.Result);
        }

        public JsonArray HelmHistory(string release, string ns = "state-demo")
        {
            var r = Helm("history", release, "-n", ns, "-o", "json");
            Assert.True(r.Code == 0, r.Err);
            return (JsonArray)JsonNode.Parse(r.Out)!;
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("HELMSIM_HOME", _oldHome);
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

    internal sealed record HelmCall(string[] Argv, DateTime Start, DateTime End, int Exit)
    {
        public string Command => Argv.Length == 0 ? "" : Argv[0];

        /// <summary>The first positional argument: SBKube puts them after "--".</summary>
        public string? Release => System.Array.IndexOf(Argv, "--") is int end && end >= 0 && end + 1 < Argv.Length ? Argv[end + 1] : null;
    }
}
