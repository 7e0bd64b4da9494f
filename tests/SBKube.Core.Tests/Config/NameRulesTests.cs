using SBKube.Core.Config;
using Xunit;

namespace SBKube.Core.Tests.Config
{
    /// <summary>Names that reach Helm as values of flags must never read as flags themselves.</summary>
    public sealed class NameRulesTests
    {
        [Theory]
        [InlineData("kind-dev", true)]
        [InlineData("arn:aws:eks:eu-west-1:123456789012:cluster/prod", true)]
        [InlineData("gke_my-project_europe-west1_prod", true)]
        [InlineData("admin@prod", true)]
        [InlineData("--post-renderer=/bin/sh", false)]
        [InlineData("-x", false)]
        [InlineData("prod; id", false)]
        [InlineData("tab\there", false)]
        [InlineData("", false)]
        public void Kube_context_names(string name, bool valid)
        {
            Assert.Equal(valid, ConfigText.IsKubeContextName(name));
            Assert.Equal(valid, ConfigText.ExplainKubeContext(name) == null);
        }

        [Theory]
        [InlineData("17.13.2", true)]
        [InlineData("v1.2.3-rc.1+build.5", true)]
        [InlineData("^17.13", true)]
        [InlineData(">=17.0.0 <18.0.0", true)]
        [InlineData("1.x || 2.x", true)]
        [InlineData("*", true)]
        [InlineData("--devel", false)]
        [InlineData("1.0; rm -rf /", false)]
        [InlineData("$(id)", false)]
        [InlineData(" ", false)]
        public void Chart_versions(string version, bool valid)
        {
            Assert.Equal(valid, ConfigText.IsChartVersion(version));
        }
    }
}
