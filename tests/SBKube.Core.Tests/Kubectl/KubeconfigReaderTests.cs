using System;
using System.IO;
using SBKube.Core.Kubectl;
using Xunit;

namespace SBKube.Core.Tests.Kubectl
{
    /// <summary>Which kube context is current, found as kubectl finds it. Changes process variables, so not parallel.</summary>
    [Collection(SBKube.Core.Tests.Engine.ClusterCollection.Name)]
    public sealed class KubeconfigReaderTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "sbkube-kubeconfig-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly string? _kubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG");

        public KubeconfigReaderTests() => Directory.CreateDirectory(_dir);

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", _kubeconfig);
            Directory.Delete(_dir, recursive: true);
        }

        private string File(string name, string? current)
        {
            string path = Path.Combine(_dir, name);
            System.IO.File.WriteAllText(path, "apiVersion: v1\nkind: Config\n" + (current == null ? "" : $"current-context: {current}\n"));
            return path;
        }

        [Fact]
        public void The_first_file_of_KUBECONFIG_that_names_a_context_wins()
        {
            string none = File("none", null), dev = File("dev", "dev-cluster"), prod = File("prod", "prod-cluster");
            string missing = Path.Combine(_dir, "missing");
            Environment.SetEnvironmentVariable("KUBECONFIG", string.Join(Path.PathSeparator.ToString(), missing, none, "", dev, prod));
            Assert.Equal("dev-cluster", KubeconfigReader.CurrentContext(null));
        }

        [Fact]
        public void An_explicit_file_beats_KUBECONFIG()
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", File("env", "env-cluster"));
            Assert.Equal("given", KubeconfigReader.CurrentContext(File("given", "given")));
            Assert.Equal("env-cluster", KubeconfigReader.CurrentContext(null));
        }
    }
}
