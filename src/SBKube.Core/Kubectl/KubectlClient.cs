using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Tools;

namespace SBKube.Core.Kubectl
{
    public sealed class KubectlOptions
    {
        /// <summary><c>$env:SBKUBE_KUBECTL</c>, else <c>kubectl</c> on PATH.</summary>
        public string Executable { get; set; } =
            Environment.GetEnvironmentVariable("SBKUBE_KUBECTL") is { Length: > 0 } k ? k : "kubectl";
        public string? KubeContext { get; set; }
        public string? Kubeconfig { get; set; }
        public Action<string>? Verbose { get; set; }
        public Action<string>? Debug { get; set; }
    }

    public sealed class KubectlException : Exception
    {
        public KubectlException(string message, int exitCode) : base(message)
        {
            ExitCode = exitCode;
        }

        public int ExitCode { get; }
    }

    /// <summary>kubectl apply/delete for manifest apps, rollout restart for recreating pods (argument arrays only).</summary>
    public sealed class KubectlClient
    {
        private readonly KubectlOptions _options;
        private readonly ToolRunner _runner;

        public KubectlClient(KubectlOptions options)
        {
            _options = options;
            _runner = new ToolRunner(options.Executable) { Verbose = options.Verbose, Debug = options.Debug };
        }

        /// <summary>kubectl apply of a manifest stream, handed over on standard input (<c>-f -</c>), never through a file.</summary>
        public Task<string> ApplyAsync(string manifests, string ns, CancellationToken ct = default) =>
            RunAsync(new List<string> { "apply", "--namespace", ns, "-f", "-" }, manifests, ct);

        public Task<string> DeleteAsync(string manifests, string ns, CancellationToken ct = default) =>
            RunAsync(new List<string> { "delete", "--namespace", ns, "--ignore-not-found", "-f", "-" }, manifests, ct);

        /// <summary>kubectl rollout restart of workloads given as kind/name: their controllers replace the pods.</summary>
        public Task<string> RolloutRestartAsync(string ns, IReadOnlyList<string> workloads, CancellationToken ct = default) =>
            RunAsync(new List<string> { "rollout", "restart", "--namespace", ns }, null, ct, workloads);

        private async Task<string> RunAsync(List<string> args, string? stdin, CancellationToken ct, IReadOnlyList<string>? positional = null)
        {
            if (!string.IsNullOrEmpty(_options.KubeContext)) args.AddRange(new[] { "--context", _options.KubeContext! });
            if (!string.IsNullOrEmpty(_options.Kubeconfig)) args.AddRange(new[] { "--kubeconfig", _options.Kubeconfig! });
            if (positional != null)
            {
                // Names after "--", so none can be read as a flag.
                args.Add("--");
                args.AddRange(positional);
            }
            ToolResult r = await _runner.RunAsync(args, stdin, ct).ConfigureAwait(false);
            if (r.ExitCode != 0)
            {
                string line = r.StandardError.Trim();
                int nl = line.LastIndexOf('\n');
                throw new KubectlException(nl >= 0 ? line.Substring(nl + 1) : line.Length > 0 ? line : ToolRunner.SilentFailure("kubectl", r.ExitCode), r.ExitCode);
            }
            return r.StandardOutput;
        }
    }
}
