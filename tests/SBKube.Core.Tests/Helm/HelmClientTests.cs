using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SBKube.Core.Helm;
using SBKube.Core.Tests.State;
using SBKube.Core.Tools;
using Xunit;

namespace SBKube.Core.Tests.Helm
{
    /// <summary>HelmClient against a fake helm script that records its argv.</summary>
    public sealed class HelmClientTests : IDisposable
    {
        private FakeHelm? _fake;

        private FakeHelm Fake(string version = "v3.21.4+g8d5f8ba") => _fake = new FakeHelm(version);

        public void Dispose() => _fake?.Dispose();

        private static HelmClient Client(FakeHelm fake, string? context = null, string? kubeconfig = null) =>
            new HelmClient(new HelmOptions { Executable = fake.Executable, KubeContext = context, Kubeconfig = kubeconfig });

        private static HelmUpgradeRequest FullRequest(string? values = null)
        {
            var r = new HelmUpgradeRequest
            {
                Release = "redis",
                Chart = "bitnami/redis",
                Namespace = "state-demo",
                Version = "17.13.2",
                Wait = true,
                Timeout = "5m",
                Atomic = true,
                HistoryMax = 3,
                Description = "Updated values",
                Values = values,
            };
            return r;
        }

        [UnixFact]
        public async Task UpgradeInstall_Helm3_BuildsTheExactArgumentArray()
        {
            FakeHelm fake = Fake();

            HelmRelease release = await Client(fake).UpgradeInstallAsync(FullRequest("{\"auth\":{\"password\":\"s3cret\"}}"));

            Assert.Equal(new[]
            {
                "upgrade", "--install", "--namespace", "state-demo", "--create-namespace",
                "--version", "17.13.2", "--values", "-", "--wait", "--timeout", "5m", "--atomic",
                "--history-max", "3", "--description", "Updated values", "-o", "json", "--", "redis", "bitnami/redis",
            }, fake.Last);
            Assert.Equal(2, release.Version);
            Assert.Equal("17.13.2", release.ChartVersion);
            Assert.Equal(new[] { "version", "--short" }, fake.Calls[0]);
            // The values arrive on stdin: no file holds them, no argument shows them.
            int call = fake.CallIndex(fake.Last);
            Assert.Equal("{\"auth\":{\"password\":\"s3cret\"}}", fake.Stdin(call));
            Assert.All(fake.Calls, c => Assert.DoesNotContain(c, a => a.Contains("s3cret")));
        }

        [UnixFact]
        public async Task UpgradeInstall_Helm4_UsesTheRenamedFlags()
        {
            FakeHelm fake = Fake("v4.2.4+g0a1b2c3");
            await Client(fake).UpgradeInstallAsync(FullRequest());

            string[] args = fake.Last;
            Assert.Contains("--rollback-on-failure", args);
            // Helm 4 refuses --force-replace for releases it applied server-side; SBKube never asks for it.
            Assert.DoesNotContain("--force-replace", args);
            Assert.DoesNotContain("--atomic", args);
            Assert.DoesNotContain("--force", args);
        }

        [UnixFact]
        public async Task UpgradeInstall_MinimalRequest_LeavesOptionalFlagsOut()
        {
            FakeHelm fake = Fake();
            await Client(fake).UpgradeInstallAsync(new HelmUpgradeRequest { Release = "r", Chart = "./chart", Namespace = "ns", CreateNamespace = false });
            Assert.Equal(new[] { "upgrade", "--install", "--namespace", "ns", "-o", "json", "--", "r", "./chart" }, fake.Last);
        }

        [UnixFact]
        public async Task List_UsesDashAOnlyOnHelm3()
        {
            FakeHelm v3 = Fake();
            await Client(v3).ListAsync("state-demo");
            Assert.Equal(new[] { "list", "--namespace", "state-demo", "-a", "--max", "0", "-o", "json" }, v3.Last);
            v3.Dispose();

            FakeHelm v4 = Fake("v4.2.4+g0a1b2c3");
            await Client(v4).ListAsync("state-demo");
            Assert.Equal(new[] { "list", "--namespace", "state-demo", "--max", "0", "-o", "json" }, v4.Last);
        }

        [UnixFact]
        public async Task MajorVersion_IsAskedOncePerClient()
        {
            FakeHelm fake = Fake();
            HelmClient client = Client(fake);
            await client.ListAsync("a");
            await client.UpgradeInstallAsync(FullRequest());
            await client.ListAsync("b");
            Assert.Equal(1, fake.Calls.Count(c => c[0] == "version"));
            Assert.Equal(3, await client.GetMajorVersionAsync());
        }

        [UnixFact]
        public async Task MajorVersion_IsAskedOncePerProcessForOneBinary_AndAgainOnceItChanges()
        {
            FakeHelm fake = Fake();
            await Client(fake).ListAsync("a");
            await Client(fake).ListAsync("b");
            Assert.Equal(1, fake.Calls.Count(c => c[0] == "version"));

            File.SetLastWriteTimeUtc(fake.Executable, DateTime.UtcNow.AddMinutes(1));
            await Client(fake).ListAsync("c");
            Assert.Equal(2, fake.Calls.Count(c => c[0] == "version"));
        }

        [UnixFact]
        public async Task KubeContextAndKubeconfig_AreAppendedToClusterCommands_NotToRepoCommands()
        {
            FakeHelm fake = Fake();
            HelmClient client = Client(fake, "kind-dev", "/home/me/.kube/other config");

            await client.UpgradeInstallAsync(FullRequest());
            string[] upgrade = fake.Last;
            await client.ListAsync("ns");
            string[] list = fake.Last;
            await client.HistoryAsync("redis", "ns");
            string[] history = fake.Last;
            await client.RollbackAsync(new HelmRollbackRequest { Release = "redis", Namespace = "ns", Revision = 2 });
            string[] rollback = fake.Last;
            await client.UninstallAsync("redis", "ns", true);
            string[] uninstall = fake.Last;
            await client.RepoUpdateAsync(new[] { "bitnami" });
            string[] repoUpdate = fake.Last;

            foreach (string[] args in new[] { upgrade, list, history, rollback, uninstall })
            {
                FakeHelm.HasPair(args, "--kube-context", "kind-dev");
                FakeHelm.HasPair(args, "--kubeconfig", "/home/me/.kube/other config");
            }
            Assert.Equal(new[] { "repo", "update", "--", "bitnami" }, repoUpdate);
            Assert.DoesNotContain(fake.Calls.First(c => c[0] == "version"), a => a == "--kube-context");
        }

        [UnixFact]
        public async Task RollbackHistoryAndUninstall_Arguments()
        {
            FakeHelm fake = Fake();
            HelmClient client = Client(fake);

            await client.RollbackAsync(new HelmRollbackRequest { Release = "redis", Namespace = "state-demo", Revision = 2, Wait = true, Timeout = "5m", HistoryMax = 3 });
            Assert.Equal(new[] { "rollback", "--namespace", "state-demo", "--wait", "--timeout", "5m", "--history-max", "3", "--", "redis", "2" }, fake.Last);

            IReadOnlyList<HelmHistoryEntry> h = await client.HistoryAsync("redis", "state-demo");
            Assert.Equal(new[] { "history", "--namespace", "state-demo", "--max", "256", "-o", "json", "--", "redis" }, fake.Last);
            Assert.Equal(1, Assert.Single(h).Revision);

            await client.UninstallAsync("redis", "state-demo", keepHistory: true);
            Assert.Equal(new[] { "uninstall", "--namespace", "state-demo", "--keep-history", "--", "redis" }, fake.Last);
        }

        [UnixFact]
        public async Task RepoAdd_PasswordGoesThroughStdin_NeverArgv()
        {
            FakeHelm fake = Fake();
            const string password = "p@ss w0rd;$(id)";
            await Client(fake).RepoAddAsync(new HelmRepoAdd { Name = "private", Url = "https://charts.example.com", Username = "admin", Password = password, ForceUpdate = true });

            string[] args = fake.Last;
            Assert.Equal(new[] { "repo", "add", "--force-update", "--username", "admin", "--password-stdin", "--", "private", "https://charts.example.com" }, args);
            Assert.All(fake.Calls, c => Assert.DoesNotContain(c, a => a.Contains("p@ss")));
            Assert.Equal(password, fake.Stdin(fake.CallIndex(args)));
        }

        [UnixFact]
        public async Task RepoAdd_WithoutPassword_HasNoPasswordFlag()
        {
            FakeHelm fake = Fake();
            await Client(fake).RepoAddAsync(new HelmRepoAdd { Name = "bitnami", Url = "https://charts.bitnami.com/bitnami" });
            Assert.Equal(new[] { "repo", "add", "--", "bitnami", "https://charts.bitnami.com/bitnami" }, fake.Last);
        }

        [UnixFact]
        public async Task Arguments_ArriveVerbatim_WithNoShellInBetween()
        {
            FakeHelm fake = Fake();
            string marker = Path.Combine(fake.Dir, "PWNED");
            string description = $"it's \"quoted\"; touch {marker} && echo $(touch {marker}) `touch {marker}` | * ~ $HOME \\ end";
            var request = new HelmUpgradeRequest
            {
                Release = "--post-renderer=/bin/sh", Chart = "./charts/my chart", Namespace = "state-demo", Description = description,
                Timeout = "5m0s", Version = "", Values = "k: $(touch " + marker + ")\n",
            };

            await Client(fake, context: "ctx with spaces;$(id)").UpgradeInstallAsync(request);

            string[] args = fake.Last;
            FakeHelm.HasPair(args, "--description", description);
            FakeHelm.HasPair(args, "--values", "-");
            FakeHelm.HasPair(args, "--kube-context", "ctx with spaces;$(id)");
            // After "--", even a release name that looks like a flag is positional.
            Assert.Equal(new[] { "--", "--post-renderer=/bin/sh", "./charts/my chart" }, args.Skip(args.Length - 3));
            Assert.DoesNotContain("--version", args);
            Assert.Equal(request.Values, fake.Stdin(fake.CallIndex(args)));
            Assert.False(File.Exists(marker), "an argument was run through a shell");
        }

        [UnixFact]
        public async Task NonZeroExit_RaisesHelmExceptionWithTheErrorLineAndKind()
        {
            FakeHelm fake = Fake();
            fake.Fail("Flag --atomic has been deprecated, use --rollback-on-failure instead\nError: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n");

            HelmException e = await Assert.ThrowsAsync<HelmException>(() => Client(fake).UpgradeInstallAsync(FullRequest()));

            Assert.Equal(HelmErrorKind.PendingOperation, e.Kind);
            Assert.Equal("UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress", e.HelmMessage);
            Assert.Equal(e.HelmMessage, e.Message);
            Assert.Equal(1, e.ExitCode);
        }

        [UnixFact]
        public async Task NonZeroExit_ClusterUnreachable()
        {
            FakeHelm fake = Fake();
            fake.Fail("Error: kubernetes cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp 127.0.0.1:6443: connect: connection refused\n", 1);
            HelmException e = await Assert.ThrowsAsync<HelmException>(() => Client(fake).ListAsync("ns"));
            Assert.Equal(HelmErrorKind.ClusterUnreachable, e.Kind);
            Assert.StartsWith("kubernetes cluster unreachable", e.HelmMessage);
        }

        [UnixFact]
        public async Task NonZeroExit_OtherExitCodesAreKept()
        {
            FakeHelm fake = Fake();
            fake.Fail("Error: release has no 9 version\n", 3);
            HelmException e = await Assert.ThrowsAsync<HelmException>(() => Client(fake).RollbackAsync(new HelmRollbackRequest { Release = "redis", Namespace = "ns", Revision = 9 }));
            Assert.Equal(HelmErrorKind.RevisionNotFound, e.Kind);
            Assert.Equal(3, e.ExitCode);
        }

        [UnixFact]
        public async Task HistoryOrEmpty_ForAnUnknownRelease_IsEmpty()
        {
            FakeHelm fake = Fake();
            fake.Fail("Error: release: not found\n");
            Assert.Empty(await Client(fake).HistoryOrEmptyAsync("nope", "ns"));
        }

        [UnixFact]
        public async Task HistoryOrEmpty_OtherErrorsStillThrow()
        {
            FakeHelm fake = Fake();
            fake.Fail("Error: Kubernetes cluster unreachable: connection refused\n");
            HelmException e = await Assert.ThrowsAsync<HelmException>(() => Client(fake).HistoryOrEmptyAsync("nope", "ns"));
            Assert.Equal(HelmErrorKind.ClusterUnreachable, e.Kind);
        }

        [UnixFact]
        public async Task RepoList_WithNoRepositories_IsEmpty()
        {
            FakeHelm fake = Fake();
            fake.Fail("Error: no repositories to show\n");
            Assert.Empty(await Client(fake).RepoListAsync());
        }

        [UnixFact]
        public async Task UnparsableVersion_IsAClearError()
        {
            FakeHelm fake = Fake("garbage");
            FormatException e = await Assert.ThrowsAsync<FormatException>(() => Client(fake).ListAsync("ns"));
            Assert.Contains("garbage", e.Message);
        }

        [Fact]
        public async Task MissingExecutable_IsToolNotFound()
        {
            string missing = Path.Combine(Path.GetTempPath(), "no-such-helm-" + Guid.NewGuid().ToString("N"));
            var client = new HelmClient(new HelmOptions { Executable = missing });
            ToolNotFoundException e = await Assert.ThrowsAsync<ToolNotFoundException>(() => client.ListAsync("ns"));
            Assert.Equal(missing, e.Executable);
            Assert.Contains("SBKUBE_HELM", e.Message);
        }

        [UnixFact]
        public async Task Verbose_ShowsTheCommandLine_WithoutTheRepoPassword()
        {
            FakeHelm fake = Fake();
            var lines = new List<string>();
            var client = new HelmClient(new HelmOptions { Executable = fake.Executable, Verbose = lines.Add });
            await client.RepoAddAsync(new HelmRepoAdd { Name = "private", Url = "https://x", Username = "u", Password = "TopSecret123" });
            Assert.Contains(lines, l => l.Contains("repo add") && l.EndsWith("-- private https://x", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("TopSecret123"));
        }
    }
}
