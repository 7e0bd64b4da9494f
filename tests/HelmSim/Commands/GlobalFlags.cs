using System;
using System.Collections.Generic;

namespace HelmSim.Commands
{
    /// <summary>The flags every helm command accepts (cobra's persistent flags).</summary>
    internal static class GlobalFlags
    {
        /// <summary>Global flags whose value may be the next argument; needed to find the command words before the command's own flags are known.</summary>
        public static readonly HashSet<string> TakingValue = new HashSet<string>(StringComparer.Ordinal)
        {
            "-n", "--namespace", "--kube-context", "--kubeconfig", "--kube-apiserver", "--kube-token", "--kube-as-user",
            "--kube-as-group", "--kube-ca-file", "--kube-tls-server-name", "--registry-config", "--repository-config",
            "--repository-cache", "--burst-limit", "--qps", "--content-cache",
        };

        public static IEnumerable<FlagSpec> Specs(bool v4)
        {
            yield return new FlagSpec("namespace", FlagKind.Value, 'n');
            yield return new FlagSpec("kube-context", FlagKind.Value);
            yield return new FlagSpec("kubeconfig", FlagKind.Value);
            yield return new FlagSpec("debug", FlagKind.Bool);
            yield return new FlagSpec("help", FlagKind.Bool, 'h');
            foreach (string f in new[] { "kube-apiserver", "kube-token", "kube-as-user", "kube-as-group", "kube-ca-file", "kube-tls-server-name", "registry-config", "repository-config", "repository-cache", "burst-limit", "qps" })
            {
                yield return new FlagSpec(f, FlagKind.Value);
            }
            yield return new FlagSpec("kube-insecure-skip-tls-verify", FlagKind.Bool);
            if (v4)
            {
                yield return new FlagSpec("content-cache", FlagKind.Value);
                yield return new FlagSpec("color", FlagKind.Value);
                yield return new FlagSpec("colour", FlagKind.Value);
            }
        }
    }
}
