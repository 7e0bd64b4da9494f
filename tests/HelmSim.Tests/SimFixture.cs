using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace HelmSim.Tests
{
    public sealed record Result(int Code, string Out, string Err)
    {
        public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public JsonNode Json => JsonNode.Parse(Out) ?? throw new InvalidOperationException("null JSON: " + Out);

        public override string ToString() => "exit=" + Code + "\nstdout:\n" + Out + "\nstderr:\n" + Err;
    }

    /// <summary>One isolated simulator "cluster": its own HELMSIM_HOME; runs the built helm/kubectl executables.</summary>
    public sealed class Sim : IDisposable
    {
        public static string HelmExe => Exe("helmsim", "helm");
        public static string KubectlExe => Exe("kubectlsim", "kubectl");

        private static string Exe(string dir, string name)
        {
            string path = Path.Combine(AppContext.BaseDirectory, dir, OperatingSystem.IsWindows() ? name + ".exe" : name);
            if (!File.Exists(path)) throw new FileNotFoundException("simulator executable not found (build the test project)", path);
            return path;
        }

        public static string GoldenDir => Path.Combine(AppContext.BaseDirectory, "golden", "helm");

        public static string Golden(string version, string file) => File.ReadAllText(Path.Combine(GoldenDir, version, file));

        public Sim()
        {
            Home = Path.Combine(Path.GetTempPath(), "helmsim-test-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Home);
            Work = Path.Combine(Home, "work");
            Directory.CreateDirectory(Work);
        }

        public string Home { get; }

        public string Work { get; }

        public Dictionary<string, string> Env { get; } = new Dictionary<string, string>();

        public Result Helm(params string[] args) => Run(HelmExe, args, null, null);

        public Result HelmWith(Dictionary<string, string> env, params string[] args) => Run(HelmExe, args, null, env);

        public Result HelmStdin(string stdin, params string[] args) => Run(HelmExe, args, stdin, null);

        public Result Kubectl(params string[] args) => Run(KubectlExe, args, null, null);

        public Result Ok(params string[] args)
        {
            Result r = Helm(args);
            Assert.True(r.Code == 0, "helm " + string.Join(" ", args) + " failed: " + r);
            return r;
        }

        public void Faults(string json) => File.WriteAllText(Path.Combine(Home, "faults.json"), json);

        public string FaultsText => File.Exists(Path.Combine(Home, "faults.json")) ? File.ReadAllText(Path.Combine(Home, "faults.json")) : "";

        public string WriteFile(string name, string content)
        {
            string p = Path.Combine(Work, name);
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            File.WriteAllText(p, content);
            return p;
        }

        /// <summary>Copies the shipped catalog to a private folder and points HELMSIM_CATALOG at it.</summary>
        public string PrivateCatalog()
        {
            string src = Path.Combine(Path.GetDirectoryName(HelmExe)!, "catalog");
            string dst = Path.Combine(Home, "catalog");
            foreach (string f in Directory.GetFiles(src, "*", SearchOption.AllDirectories))
            {
                string t = Path.Combine(dst, Path.GetRelativePath(src, f));
                Directory.CreateDirectory(Path.GetDirectoryName(t)!);
                File.Copy(f, t, true);
            }
            Env["HELMSIM_CATALOG"] = dst;
            return dst;
        }

        public List<JsonObject> CallLog()
        {
            string p = Path.Combine(Home, "calls.log");
            if (!File.Exists(p)) return new List<JsonObject>();
            return File.ReadAllLines(p).Where(l => l.Length > 0).Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();
        }

        public ProcessStartInfo StartInfo(string exe, IEnumerable<string> args, Dictionary<string, string>? env)
        {
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = Work,
            };
            foreach (string a in args) psi.ArgumentList.Add(a);
            foreach (string k in new[] { "HELMSIM_VERSION", "HELMSIM_DELAY_MS", "HELMSIM_UNREACHABLE", "HELMSIM_FAIL_UPGRADE", "HELMSIM_CATALOG", "HELMSIM_NOW", "HELM_NAMESPACE", "HELM_MAX_HISTORY", "HELMSIM_STRICT_NAMESPACES" })
            {
                psi.Environment.Remove(k);
            }
            psi.Environment["HELMSIM_HOME"] = Home;
            foreach (var kv in Env) psi.Environment[kv.Key] = kv.Value;
            if (env != null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
            return psi;
        }

        public Process Start(Dictionary<string, string>? env, params string[] args)
        {
            Process p = Process.Start(StartInfo(HelmExe, args, env))!;
            p.StandardInput.Close();
            return p;
        }

        public static Result Finish(Process p)
        {
            var outTask = p.StandardOutput.ReadToEndAsync();
            var errTask = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60000))
            {
                p.Kill(true);
                throw new TimeoutException("simulator did not finish");
            }
            p.WaitForExit();
            return new Result(p.ExitCode, outTask.Result, errTask.Result);
        }

        public Result Run(string exe, string[] args, string? stdin, Dictionary<string, string>? env)
        {
            using Process p = Process.Start(StartInfo(exe, args, env))!;
            if (stdin != null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            return Finish(p);
        }

        public void AddBitnami() => Ok("repo", "add", "bitnami", "https://charts.bitnami.com/bitnami");

        public static string[] Keys(JsonNode? n) => ((JsonObject)n!).Select(kv => kv.Key).ToArray();

        public void Dispose()
        {
            try { Directory.Delete(Home, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
