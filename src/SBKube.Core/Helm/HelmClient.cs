using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.State;
using SBKube.Core.Tools;

namespace SBKube.Core.Helm
{
    /// <summary>Where helm runs and which cluster it talks to.</summary>
    public sealed class HelmOptions
    {
        /// <summary><c>$env:SBKUBE_HELM</c>, else <c>helm</c> on PATH.</summary>
        public string Executable { get; set; } = DefaultExecutable();
        public string? KubeContext { get; set; }
        public string? Kubeconfig { get; set; }
        public Action<string>? Verbose { get; set; }
        public Action<string>? Debug { get; set; }

        public static string DefaultExecutable() =>
            Environment.GetEnvironmentVariable("SBKUBE_HELM") is { Length: > 0 } helm ? helm : "helm";
    }

    /// <summary>
    /// Typed access to the helm commands SBKube uses (docs/HELM-NOTES.md). Builds argument arrays for the
    /// detected major version (3 or 4) and throws <see cref="HelmException"/> with Helm's own error line.
    /// </summary>
    public sealed class HelmClient
    {
        private readonly HelmOptions _options;
        private readonly ToolRunner _runner;
        private readonly object _versionLock = new object();
        private Task<HelmVersion>? _version;

        private static readonly ConcurrentDictionary<string, HelmVersion> VersionByExecutable =
            new ConcurrentDictionary<string, HelmVersion>(StringComparer.Ordinal);

        /// <summary>The binary <paramref name="executable"/> names (a path, or a name found on PATH) and its write time; null when not found.</summary>
        private static string? ExecutableKey(string executable)
        {
            string? path = null;
            if (executable.IndexOf('/') >= 0 || executable.IndexOf('\\') >= 0)
            {
                path = File.Exists(executable) ? Path.GetFullPath(executable) : null;
            }
            else
            {
                string[] names = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? new[] { executable + ".exe", executable } : new[] { executable };
                foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
                {
                    path = dir.Length == 0 ? null : names.Select(n => Path.Combine(dir, n)).FirstOrDefault(File.Exists);
                    if (path != null)
                    {
                        break;
                    }
                }
            }
            return path == null ? null : path + "|" + File.GetLastWriteTimeUtc(path).Ticks.ToString(CultureInfo.InvariantCulture);
        }

        public HelmClient(HelmOptions options)
        {
            _options = options;
            _runner = new ToolRunner(options.Executable) { Verbose = options.Verbose, Debug = options.Debug };
        }

        public HelmOptions Options => _options;

        /// <summary>
        /// Helm's major version, asked once per process for a given helm binary: the answer is kept
        /// under the binary's resolved path and write time, so an upgraded or replaced helm is asked again.
        /// </summary>
        public async Task<int> GetMajorVersionAsync(CancellationToken ct = default) => (await GetVersionAsync(ct).ConfigureAwait(false)).Major;

        /// <summary>The version as <c>helm version --short</c> says it, without its build suffix (<c>v4.1.4</c>).</summary>
        public async Task<string> GetVersionTextAsync(CancellationToken ct = default) => (await GetVersionAsync(ct).ConfigureAwait(false)).Text;

        private Task<HelmVersion> GetVersionAsync(CancellationToken ct)
        {
            lock (_versionLock)
            {
                // Concurrent callers share one question; a failed or cancelled one is asked again next time.
                if (_version == null || _version.IsFaulted || _version.IsCanceled)
                {
                    _version = DetectVersionAsync(ct);
                }
                return _version;
            }
        }

        private async Task<HelmVersion> DetectVersionAsync(CancellationToken ct)
        {
            string? key = ExecutableKey(_options.Executable);
            if (key != null && VersionByExecutable.TryGetValue(key, out HelmVersion? known))
            {
                return known;
            }
            ToolResult r = await RunAsync(new List<string> { "version", "--short" }, null, null, ct, global: false).ConfigureAwait(false);
            var version = new HelmVersion(HelmOutput.ParseMajorVersion(r.StandardOutput), r.StandardOutput.Trim().Split('+')[0]);
            if (key != null)
            {
                VersionByExecutable[key] = version;
            }
            return version;
        }

        private sealed class HelmVersion
        {
            public HelmVersion(int major, string text)
            {
                Major = major;
                Text = text;
            }

            public int Major { get; }
            public string Text { get; }
        }

        /// <summary>
        /// Refuses options the detected Helm does not have, naming them and the Helm, before Helm is asked to change
        /// anything (Helm itself would answer with a usage message).
        /// </summary>
        /// <exception cref="SbkubeException">HelmOptionUnsupported.</exception>
        public async Task EnsureSupportedAsync(HelmApplyOptions apply, string app, CancellationToken ct = default)
        {
            IReadOnlyList<string> helm4Only = apply.Helm4Only();
            if (helm4Only.Count == 0)
            {
                return;
            }
            int major = await GetMajorVersionAsync(ct).ConfigureAwait(false);
            if (major < 4)
            {
                throw new SbkubeException(
                    $"{app}: {string.Join(", ", helm4Only)} needs Helm 4, and the helm here ({_options.Executable}) is Helm {major.ToString(CultureInfo.InvariantCulture)}. " +
                    "Nothing was changed. Remove the option from config.yaml, or point SBKUBE_HELM at a Helm 4.",
                    ErrorIds.HelmOptionUnsupported, ErrorKind.InvalidArgument, app);
            }
        }

        public async Task<HelmRelease> UpgradeInstallAsync(HelmUpgradeRequest request, CancellationToken ct = default)
        {
            int major = await GetMajorVersionAsync(ct).ConfigureAwait(false);
            await EnsureSupportedAsync(request.Apply, $"{request.Namespace}/{request.Release}", ct).ConfigureAwait(false);
            var args = new List<string> { "upgrade", "--install", "--namespace", request.Namespace };
            if (request.CreateNamespace) args.Add("--create-namespace");
            if (!string.IsNullOrEmpty(request.Version)) args.AddRange(new[] { "--version", request.Version! });
            if (request.Values != null) args.AddRange(new[] { "--values", "-" });
            request.Apply.AddTo(args, request.Wait, rollback: false);
            if (!string.IsNullOrEmpty(request.Timeout)) args.AddRange(new[] { "--timeout", request.Timeout! });
            if (request.Atomic) args.Add(major >= 4 ? "--rollback-on-failure" : "--atomic");
            if (request.HistoryMax.HasValue) args.AddRange(new[] { "--history-max", request.HistoryMax.Value.ToString(CultureInfo.InvariantCulture) });
            if (!string.IsNullOrEmpty(request.Description)) args.AddRange(new[] { "--description", request.Description! });
            AddChartAccess(args, request.Access);
            args.AddRange(new[] { "-o", "json" });
            ToolResult r = await RunAsync(args, new[] { request.Release, request.Chart }, request.Values, ct).ConfigureAwait(false);
            return HelmOutput.ParseRelease(r.StandardOutput);
        }

        /// <summary>
        /// What an upgrade --install of the request would deploy, rendered by helm template (values on stdin) without
        /// the cluster: the chart is fetched and its templates and schema checked, so those errors show in a plan.
        /// </summary>
        public async Task<string> TemplateAsync(HelmUpgradeRequest request, CancellationToken ct = default)
        {
            var args = new List<string> { "template", "--namespace", request.Namespace };
            if (!string.IsNullOrEmpty(request.Version)) args.AddRange(new[] { "--version", request.Version! });
            if (request.Values != null) args.AddRange(new[] { "--values", "-" });
            AddChartAccess(args, request.Access);
            ToolResult r = await RunAsync(args, new[] { request.Release, request.Chart }, request.Values, ct).ConfigureAwait(false);
            return r.StandardOutput;
        }

        private static void AddChartAccess(List<string> args, ChartAccess? access)
        {
            if (access == null)
            {
                return;
            }
            if (access.PlainHttp) args.Add("--plain-http");
            if (access.InsecureSkipTlsVerify) args.Add("--insecure-skip-tls-verify");
            AddTlsFiles(args, access);
        }

        public async Task<IReadOnlyList<HelmHistoryEntry>> HistoryAsync(string release, string ns, CancellationToken ct = default)
        {
            ToolResult r = await RunAsync(new List<string> { "history", "--namespace", ns, "--max", "256", "-o", "json" }, new[] { release }, null, ct)
                .ConfigureAwait(false);
            return HelmOutput.ParseHistory(r.StandardOutput);
        }

        /// <summary>History, or an empty list when Helm does not know the release.</summary>
        public async Task<IReadOnlyList<HelmHistoryEntry>> HistoryOrEmptyAsync(string release, string ns, CancellationToken ct = default)
        {
            try
            {
                return await HistoryAsync(release, ns, ct).ConfigureAwait(false);
            }
            catch (HelmException e) when (e.Kind == HelmErrorKind.ReleaseNotFound)
            {
                return Array.Empty<HelmHistoryEntry>();
            }
        }

        /// <summary>
        /// Every release of a namespace whatever its status (Helm 3 needs -a; Helm 4 has no such flag), however
        /// many: helm list returns 256 unless --max says otherwise, and --max 0 means no limit.
        /// </summary>
        public async Task<IReadOnlyList<HelmListEntry>> ListAsync(string ns, CancellationToken ct = default)
        {
            int major = await GetMajorVersionAsync(ct).ConfigureAwait(false);
            var args = new List<string> { "list", "--namespace", ns };
            if (major < 4) args.Add("-a");
            args.AddRange(new[] { "--max", "0", "-o", "json" });
            ToolResult r = await RunAsync(args, null, null, ct).ConfigureAwait(false);
            return HelmOutput.ParseList(r.StandardOutput);
        }

        public async Task RollbackAsync(HelmRollbackRequest request, CancellationToken ct = default)
        {
            await EnsureSupportedAsync(request.Apply, $"{request.Namespace}/{request.Release}", ct).ConfigureAwait(false);
            var args = new List<string> { "rollback", "--namespace", request.Namespace };
            request.Apply.AddTo(args, request.Wait, rollback: true);
            if (!string.IsNullOrEmpty(request.Timeout)) args.AddRange(new[] { "--timeout", request.Timeout! });
            if (request.HistoryMax is int max) args.AddRange(new[] { "--history-max", max.ToString(CultureInfo.InvariantCulture) });
            await RunAsync(args, new[] { request.Release, request.Revision.ToString(CultureInfo.InvariantCulture) }, null, ct).ConfigureAwait(false);
        }

        /// <summary>The manifest of a release's current revision (helm get manifest).</summary>
        public async Task<string> GetManifestAsync(string release, string ns, CancellationToken ct = default)
        {
            ToolResult r = await RunAsync(new List<string> { "get", "manifest", "--namespace", ns }, new[] { release }, null, ct).ConfigureAwait(false);
            return r.StandardOutput;
        }

        public async Task UninstallAsync(string release, string ns, bool keepHistory, CancellationToken ct = default)
        {
            var args = new List<string> { "uninstall", "--namespace", ns };
            if (keepHistory) args.Add("--keep-history");
            await RunAsync(args, new[] { release }, null, ct).ConfigureAwait(false);
        }

        public async Task<IReadOnlyList<HelmRepoEntry>> RepoListAsync(CancellationToken ct = default)
        {
            try
            {
                ToolResult r = await RunAsync(new List<string> { "repo", "list", "-o", "json" }, null, null, ct, global: false).ConfigureAwait(false);
                return HelmOutput.ParseRepoList(r.StandardOutput);
            }
            catch (HelmException e) when (e.HelmMessage.Contains("no repositories"))
            {
                return Array.Empty<HelmRepoEntry>();
            }
        }

        /// <summary>helm repo add (or re-point), the password on standard input, with the repository's TLS files and settings.</summary>
        public async Task RepoAddAsync(HelmRepoAdd repo, CancellationToken ct = default)
        {
            var args = new List<string> { "repo", "add" };
            if (repo.ForceUpdate) args.Add("--force-update");
            if (!string.IsNullOrEmpty(repo.Username)) args.AddRange(new[] { "--username", repo.Username! });
            string? stdin = null;
            if (!string.IsNullOrEmpty(repo.Password))
            {
                args.Add("--password-stdin");
                stdin = repo.Password;
            }
            if (repo.PassCredentials) args.Add("--pass-credentials");
            if (repo.Access is ChartAccess access)
            {
                if (access.InsecureSkipTlsVerify) args.Add("--insecure-skip-tls-verify");
                AddTlsFiles(args, access);
            }
            await RunAsync(args, new[] { repo.Name, repo.Url }, stdin, ct, global: false).ConfigureAwait(false);
        }

        /// <summary>
        /// helm registry login, the password on standard input. Plain HTTP is --plain-http on Helm 4 and
        /// --insecure on Helm 3 (whose login has no --plain-http).
        /// </summary>
        public async Task RegistryLoginAsync(string host, string username, string? password, ChartAccess? access, CancellationToken ct = default)
        {
            int major = await GetMajorVersionAsync(ct).ConfigureAwait(false);
            var args = new List<string> { "registry", "login", "--username", username, "--password-stdin" };
            if (access != null)
            {
                if (access.PlainHttp) args.Add(major >= 4 ? "--plain-http" : "--insecure");
                if (access.InsecureSkipTlsVerify && !(access.PlainHttp && major < 4)) args.Add("--insecure");
                AddTlsFiles(args, access);
            }
            await RunAsync(args, new[] { host }, password ?? "", ct, global: false).ConfigureAwait(false);
        }

        private static void AddTlsFiles(List<string> args, ChartAccess access)
        {
            if (access.CaFile != null) args.AddRange(new[] { "--ca-file", access.CaFile });
            if (access.CertFile != null) args.AddRange(new[] { "--cert-file", access.CertFile });
            if (access.KeyFile != null) args.AddRange(new[] { "--key-file", access.KeyFile });
        }

        public async Task RepoUpdateAsync(IEnumerable<string> names, CancellationToken ct = default)
        {
            await RunAsync(new List<string> { "repo", "update" }, names.ToList(), null, ct, global: false).ConfigureAwait(false);
        }

        private static bool ReadsOnly(List<string> flags) => flags.Count > 0 &&
            (flags[0] is "version" or "history" or "list" or "status" or "get" || (flags[0] == "repo" && flags.Count > 1 && flags[1] == "list"));

        /// <summary>
        /// Runs helm with <paramref name="flags"/>, then <c>--</c> and the positional arguments, so a
        /// release, chart or repository name can never be read as a flag.
        /// </summary>
        private async Task<ToolResult> RunAsync(List<string> flags, IReadOnlyList<string>? positional, string? stdin,
            CancellationToken ct, bool global = true)
        {
            var args = new List<string>(flags);
            if (global)
            {
                if (!string.IsNullOrEmpty(_options.KubeContext)) args.AddRange(new[] { "--kube-context", _options.KubeContext! });
                if (!string.IsNullOrEmpty(_options.Kubeconfig)) args.AddRange(new[] { "--kubeconfig", _options.Kubeconfig! });
            }
            if (positional is { Count: > 0 })
            {
                args.Add("--");
                args.AddRange(positional);
            }
            ToolResult r;
            try
            {
                r = await _runner.RunAsync(args, stdin, ct).ConfigureAwait(false);
            }
            catch (ToolExitUnknownException e) when (ReadsOnly(flags))
            {
                // Asking again is harmless for a read; a change whose result is unknown stays a failure.
                _options.Verbose?.Invoke(e.Message + " It only reads, so it is run once more.");
                r = await _runner.RunAsync(args, stdin, ct).ConfigureAwait(false);
            }
            if (r.ExitCode != 0)
            {
                string line = HelmErrors.ErrorLine(r.StandardError, r.ExitCode);
                throw new HelmException(HelmErrors.Classify(line), line, r.ExitCode);
            }
            return r;
        }
    }
}
