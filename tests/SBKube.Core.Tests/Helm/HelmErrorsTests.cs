using SBKube.Core;
using SBKube.Core.Helm;
using Xunit;

namespace SBKube.Core.Tests.Helm
{
    public sealed class HelmErrorsTests
    {
        [Theory]
        [InlineData("v3.21.4", "upgrade-with-pending-install.txt", HelmErrorKind.PendingOperation)]
        [InlineData("v3.21.4", "upgrade-with-bad-or-missing-existing-release.txt", HelmErrorKind.ReleaseNotFound)]
        [InlineData("v3.21.4", "rollback-non-existent-version.txt", HelmErrorKind.RevisionNotFound)]
        public void GoldenErrorSamples_AreClassified(string version, string file, HelmErrorKind kind)
        {
            string stderr = HelmOutputTests.Golden(version, file);
            string line = HelmErrors.ErrorLine(stderr);
            Assert.DoesNotContain("Error:", line);
            Assert.Equal(stderr.Trim().Substring("Error: ".Length), line);
            Assert.Equal(kind, HelmErrors.Classify(line));
        }

        [Theory]
        // cluster unreachable, Helm 3 and Helm 4 (lower-cased) wording
        [InlineData("Kubernetes cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp 127.0.0.1:6443: connect: connection refused", HelmErrorKind.ClusterUnreachable)]
        [InlineData("kubernetes cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp 127.0.0.1:6443: connect: connection refused", HelmErrorKind.ClusterUnreachable)]
        [InlineData("Kubernetes cluster unreachable: Get \"https://10.0.0.1/version\": context deadline exceeded", HelmErrorKind.ClusterUnreachable)]
        // timeouts, install path (no prefix) and upgrade path
        [InlineData("context deadline exceeded", HelmErrorKind.Timeout)]
        [InlineData("UPGRADE FAILED: context deadline exceeded", HelmErrorKind.Timeout)]
        [InlineData("timed out waiting for the condition", HelmErrorKind.Timeout)]
        // pending operation
        [InlineData("UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress", HelmErrorKind.PendingOperation)]
        [InlineData("another operation (install/upgrade/rollback) is in progress", HelmErrorKind.PendingOperation)]
        // chart, path and repo problems
        [InlineData("chart \"redis\" matching 99.0.0 not found in bitnami index. (try 'helm repo update'): no chart version found for redis-99.0.0", HelmErrorKind.ChartNotFound)]
        [InlineData("chart \"nosuch\" not found in bitnami index. (try 'helm repo update'): no chart name found", HelmErrorKind.ChartNotFound)]
        [InlineData("path \"./x\" not found", HelmErrorKind.ChartNotFound)]
        [InlineData("failed to perform \"FetchReference\" on source: 127.0.0.1:41807/charts/redis@sha256:0000000000000000000000000000000000000000000000000000000000000000: not found", HelmErrorKind.ChartNotFound)]
        [InlineData("127.0.0.1:46777/charts/redis@sha256:0000000000000000000000000000000000000000000000000000000000000000: not found", HelmErrorKind.ChartNotFound)]
        [InlineData("repo foo not found", HelmErrorKind.RepoNotFound)]
        // release and revision lookups
        [InlineData("release: not found", HelmErrorKind.ReleaseNotFound)]
        [InlineData("uninstall: Release not loaded: redis: release: not found", HelmErrorKind.ReleaseNotFound)]
        [InlineData("UPGRADE FAILED: \"funny-bunny\" has no deployed releases", HelmErrorKind.ReleaseNotFound)]
        [InlineData("release has no 7 version", HelmErrorKind.RevisionNotFound)]
        // generic upgrade and install failures
        [InlineData("UPGRADE FAILED: something", HelmErrorKind.UpgradeFailed)]
        [InlineData("UPGRADE FAILED: boom", HelmErrorKind.UpgradeFailed)]
        [InlineData("release redis failed, and has been uninstalled due to atomic being set: boom", HelmErrorKind.InstallFailed)]
        // bad arguments
        [InlineData("\"helm upgrade\" requires 2 arguments", HelmErrorKind.InvalidArgument)]
        [InlineData("invalid argument \"600\" for \"--timeout\" flag: time: missing unit in duration \"600\"", HelmErrorKind.InvalidArgument)]
        [InlineData("unknown flag: --all", HelmErrorKind.InvalidArgument)]
        [InlineData("something nobody expected", HelmErrorKind.Unknown)]
        public void ContractMessages_AreClassified(string message, HelmErrorKind kind) =>
            Assert.Equal(kind, HelmErrors.Classify(message));

        [Fact]
        public void ErrorLine_TakesTheLastErrorLine_IgnoringWarningsAndUsage()
        {
            string stderr = "walk.go:75: found symbolic link in path\r\n" +
                            "Flag --atomic has been deprecated, use --rollback-on-failure instead\n" +
                            "Error: UPGRADE FAILED: context deadline exceeded\n";
            Assert.Equal("UPGRADE FAILED: context deadline exceeded", HelmErrors.ErrorLine(stderr));

            string usage = "Error: \"helm upgrade\" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] [flags]\n";
            Assert.Equal("\"helm upgrade\" requires 2 arguments", HelmErrors.ErrorLine(usage));
        }

        [Fact]
        public void ErrorLine_KeepsTheLinesThatContinueTheError_OnOneLine()
        {
            // Helm 3 lists the errors of a multi-error under a count line; the count says nothing.
            string helm3 = "Release \"web\" does not exist. Installing it now.\nError: 1 error occurred:\n\t* deployments is forbidden: User \"u\" cannot create resource \"deployments\"\n\n\n";
            Assert.Equal("deployments is forbidden: User \"u\" cannot create resource \"deployments\"", HelmErrors.ErrorLine(helm3));
            // Helm 4 names the resource that is not ready, then the deadline on the next line.
            string helm4 = "level=WARN msg=\"upgrade failed\"\nError: UPGRADE FAILED: resource Deployment/ns/web not ready. status: InProgress\ncontext deadline exceeded\n";
            Assert.Equal("UPGRADE FAILED: resource Deployment/ns/web not ready. status: InProgress; context deadline exceeded", HelmErrors.ErrorLine(helm4));
            Assert.Equal(HelmErrorKind.Timeout, HelmErrors.Classify(HelmErrors.ErrorLine(helm4)));
        }

        [Fact]
        public void ErrorLine_IsCappedAtMaxLength()
        {
            string line = HelmErrors.ErrorLine("Error: " + new string('x', HelmErrors.MaxLength * 2));
            Assert.Equal(HelmErrors.MaxLength, line.Length);
            Assert.EndsWith("…", line);
        }

        [Theory]
        [InlineData(HelmErrorKind.AuthenticationFailed, NextStepKind.CheckRepositoryCredentials)]
        [InlineData(HelmErrorKind.Forbidden, NextStepKind.GetPermission)]
        [InlineData(HelmErrorKind.Timeout, NextStepKind.CheckReadiness)]
        public void HelmException_CarriesTheNextStepOfItsKind(HelmErrorKind kind, string next) =>
            Assert.Equal(next, new HelmException(kind, "m", 1).Next!.Kind);

        [Fact]
        public void ErrorLine_WithoutAnErrorPrefix_FallsBackToTheLastLine()
        {
            Assert.Equal("panic: something", HelmErrors.ErrorLine("goroutine 1\npanic: something\n"));
        }

        [Theory]
        [InlineData(1, "helm exited with code 1 and printed no error")]
        [InlineData(137, "helm exited with code 137 (killed by signal 9, SIGKILL) and printed no error")]
        [InlineData(143, "helm exited with code 143 (killed by signal 15, SIGTERM) and printed no error")]
        public void ErrorLine_WithNothingOnStderr_GivesTheExitCodeOrSignal(int exitCode, string expected)
        {
            Assert.Equal(expected, HelmErrors.ErrorLine("", exitCode));
        }
    }
}
