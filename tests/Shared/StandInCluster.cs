using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;

namespace SBKube.Tests.Shared
{
    /// <summary>
    /// A cluster for one test: the Kubernetes API stand-in (tests/KubeStandIn, serving the test charts) on
    /// loopback, with the real helm and kubectl of a major in front of it through a call recorder. Helm reads
    /// its kubeconfig and homes from the environment, so this sets KUBECONFIG and HELM_*_HOME process-wide
    /// (tests that use it never run in parallel) and puts them back on Dispose.
    /// </summary>
    public sealed class StandInCluster : IDisposable
    {
        private static readonly string[] Variables = { "KUBECONFIG", "HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME" };
        private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        private readonly Process _standIn;

        public StandInCluster(string root, int major = 4)
        {
            Root = root;
            Major = major;
            Dir = Path.Combine(root, "cluster");
            CallsDir = Path.Combine(root, "calls");
            Directory.CreateDirectory(Dir);
            Directory.CreateDirectory(CallsDir);
            var start = new ProcessStartInfo(Tool("SBKUBE_TEST_STANDIN", "standin/kube-standin"))
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (string a in new[] { "--dir", Dir, "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                "--charts", Tool("SBKUBE_TEST_CHARTS", "charts"), "--chart-auth", "chartuser:chart-pass" })
            {
                start.ArgumentList.Add(a);
            }
            _standIn = Process.Start(start)!;
            var url = _standIn.StandardOutput.ReadLineAsync();
            if (!url.Wait(TimeSpan.FromSeconds(30)) || string.IsNullOrEmpty(url.Result))
            {
                Dispose();
                throw new InvalidOperationException("The Kubernetes API stand-in did not start within 30 s.");
            }
            Url = url.Result.Trim();
            Environment.SetEnvironmentVariable("KUBECONFIG", Path.Combine(Dir, "kubeconfig"));
            foreach (string part in new[] { "CONFIG", "CACHE", "DATA" })
            {
                Environment.SetEnvironmentVariable($"HELM_{part}_HOME", Path.Combine(root, "helm", part.ToLowerInvariant()));
            }
            RealHelm = Tool($"SBKUBE_TEST_HELM{major}", $"tools/helm{major}/helm");
            HelmExe = Recorder(RealHelm);
            KubectlExe = Recorder(Tool($"SBKUBE_TEST_KUBECTL_HELM{major}", $"tools/helm{major}/kubectl"));
        }

        /// <summary>Why real tests cannot run here (no real helm, stand-in or charts), or null when they can.</summary>
        public static string? Missing
        {
            get
            {
                foreach ((string variable, string underOut) in new[] { ("SBKUBE_TEST_HELM4", "tools/helm4/helm"),
                    ("SBKUBE_TEST_STANDIN", "standin/kube-standin"), ("SBKUBE_TEST_CHARTS", "charts") })
                {
                    string path = Tool(variable, underOut);
                    if (!File.Exists(path) && !Directory.Exists(path))
                    {
                        return $"No {path}: run ./build.ps1 -Task Prerequisites (or the Test task, which sets {variable}).";
                    }
                }
                return null;
            }
        }

        public string Root { get; }
        public int Major { get; }
        public string Dir { get; }
        public string CallsDir { get; }
        public string Url { get; }
        public string BitnamiUrl => Url + "/charts/bitnami";
        public string RealHelm { get; }

        /// <summary>The helm SBKube is given: the recorder in front of the real one.</summary>
        public string HelmExe { get; }
        public string KubectlExe { get; }

        /// <summary>Writes the stand-in's faults (tests/KubeStandIn/Faults.cs); null clears them.</summary>
        public void Faults(string? json)
        {
            string path = Path.Combine(Dir, "faults.json");
            if (json == null) File.Delete(path); else File.WriteAllText(path, json);
        }

        /// <summary>The calls SBKube made to a tool (helm unless named), oldest first.</summary>
        public List<ToolCall> Calls(string tool = "helm") =>
            Directory.GetFiles(CallsDir, "*.args")
                .Select(f => (File: f, Start: decimal.Parse(Path.GetFileNameWithoutExtension(f).Split('-')[0], CultureInfo.InvariantCulture)))
                .OrderBy(c => c.Start)
                .Select(c =>
                {
                    string[] words = File.ReadAllText(c.File).TrimEnd('\0').Split('\0');
                    string end = Path.ChangeExtension(c.File, "end");
                    string[]? ended = File.Exists(end) ? File.ReadAllText(end).Split(' ') : null;
                    return new ToolCall(words[0], words.Skip(1).ToArray(), Time(c.Start),
                        ended == null ? (DateTime?)null : Time(decimal.Parse(ended[1], CultureInfo.InvariantCulture)),
                        ended == null ? (int?)null : int.Parse(ended[0], CultureInfo.InvariantCulture));
                })
                .Where(c => c.Tool == tool)
                .ToList();

        public int Count(string command) => Calls().Count(c => c.Command == command);

        public void ForgetCalls()
        {
            foreach (string f in Directory.GetFiles(CallsDir)) File.Delete(f);
        }

        /// <summary>Runs the real helm directly, as a person at a terminal would (not recorded).</summary>
        public (int Code, string Out, string Err) Helm(params string[] args)
        {
            var psi = new ProcessStartInfo(RealHelm) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            using Process p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output, err.Result);
        }

        /// <summary>
        /// Copies a release's newest Helm Secret under other release names, straight through the API, as if
        /// each had been installed (Helm keeps a release as base64 of gzipped JSON in the Secret's data).
        /// </summary>
        public void CopyRelease(string ns, string release, IEnumerable<string> names)
        {
            using var http = new HttpClient { BaseAddress = new Uri(Url) };
            string path = $"/api/v1/namespaces/{ns}/secrets";
            var list = (JsonObject)JsonNode.Parse(http.GetStringAsync(path + "?labelSelector=owner%3Dhelm%2Cname%3D" + release).Result)!;
            JsonObject source = list["items"]!.AsArray().Select(i => i!.AsObject())
                .OrderBy(i => int.Parse((string)i["metadata"]!["labels"]!["version"]!, CultureInfo.InvariantCulture)).Last();
            JsonObject payload = JsonNode.Parse(Gunzip(Convert.FromBase64String(Encoding.ASCII.GetString(
                Convert.FromBase64String((string)source["data"]!["release"]!)))))!.AsObject();
            foreach (string name in names)
            {
                var copy = (JsonObject)source.DeepClone();
                var metadata = copy["metadata"]!.AsObject();
                foreach (string server in new[] { "resourceVersion", "uid", "creationTimestamp", "managedFields" }) metadata.Remove(server);
                string version = (string)metadata["labels"]!["version"]!;
                metadata["name"] = $"sh.helm.release.v1.{name}.v{version}";
                metadata["labels"]!["name"] = name;
                payload["name"] = name;
                copy["data"]!["release"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToBase64String(Gzip(payload.ToJsonString()))));
                using var body = new StringContent(copy.ToJsonString(), Encoding.UTF8, "application/json");
                HttpResponseMessage created = http.PostAsync(path, body).Result;
                if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"Copying release {release} as {name}: {(int)created.StatusCode} {created.Content.ReadAsStringAsync().Result}");
            }
        }

        private static string Gunzip(byte[] data)
        {
            using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            return reader.ReadToEnd();
        }

        private static byte[] Gzip(string text)
        {
            var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(text);
                gzip.Write(bytes, 0, bytes.Length);
            }
            return output.ToArray();
        }

        public void Dispose()
        {
            try
            {
                if (!_standIn.HasExited)
                {
                    _standIn.Kill();
                    _standIn.WaitForExit(10000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            _standIn.Dispose();
            foreach (KeyValuePair<string, string?> v in _saved) Environment.SetEnvironmentVariable(v.Key, v.Value);
        }

        private static DateTime Time(decimal unixNanoseconds) => DateTime.UnixEpoch.AddTicks((long)(unixNanoseconds / 100));

        /// <summary>A test tool: the Test task's variable, else the build's out/ folder of this checkout.</summary>
        private static string Tool(string variable, string underOut)
        {
            string? set = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(set)) return set;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "build.ps1")))
                {
                    return Path.Combine(dir.FullName, "out", underOut);
                }
            }
            return Path.Combine("out", underOut);
        }

        /// <summary>tests/Shared/call-recorder.sh in front of a tool (copied next to the tests).</summary>
        private string Recorder(string tool)
        {
            string bin = Path.Combine(Root, "bin");
            Directory.CreateDirectory(bin);
            string name = Path.GetFileName(tool);
            string path = Path.Combine(bin, name);
            string template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Shared", "call-recorder.sh"));
            File.WriteAllText(path, template.Replace("@CALLS@", CallsDir).Replace("@NAME@", name).Replace("@TOOL@", tool));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            return path;
        }
    }

    public sealed record ToolCall(string Tool, string[] Argv, DateTime Start, DateTime? End, int? Exit)
    {
        public string Command => Argv.Length == 0 ? "" : Argv[0];

        /// <summary>The first positional argument: SBKube puts them after "--".</summary>
        public string? Release => Array.IndexOf(Argv, "--") is int end && end >= 0 && end + 1 < Argv.Length ? Argv[end + 1] : null;
    }
}
