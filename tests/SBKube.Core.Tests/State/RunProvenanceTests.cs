using System.Collections;
using System.Collections.Generic;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    public class RunProvenanceTests
    {
        public static IEnumerable<object?[]> CiSystems() => new[]
        {
            new object?[] { "GitHub Actions", new Hashtable { ["GITHUB_ACTIONS"] = "true", ["GITHUB_SERVER_URL"] = "https://github.com", ["GITHUB_REPOSITORY"] = "org/deploy",
                ["GITHUB_RUN_ID"] = "4242", ["GITHUB_RUN_ATTEMPT"] = "2" }, "https://github.com/org/deploy/actions/runs/4242/attempts/2" },
            new object?[] { "Azure Pipelines", new Hashtable { ["TF_BUILD"] = "True", ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/org/",
                ["SYSTEM_TEAMPROJECT"] = "Platform Ops", ["BUILD_BUILDID"] = "77" }, "https://dev.azure.com/org/Platform%20Ops/_build/results?buildId=77" },
            new object?[] { "GitLab CI", new Hashtable { ["GITLAB_CI"] = "true", ["CI_JOB_URL"] = "https://gitlab.example/g/p/-/jobs/9", ["CI_JOB_ID"] = "9" },
                "https://gitlab.example/g/p/-/jobs/9" },
            new object?[] { "Jenkins", new Hashtable { ["JENKINS_URL"] = "https://ci.example/", ["BUILD_URL"] = "https://ci.example/job/deploy/31/" },
                "https://ci.example/job/deploy/31/" },
            new object?[] { "SBKUBE_CI_RUN before any system's own", new Hashtable { ["SBKUBE_CI_RUN"] = "buildkite:123", ["GITHUB_ACTIONS"] = "true", ["GITHUB_RUN_ID"] = "1" },
                "buildkite:123" },
            new object?[] { "a developer's shell", new Hashtable { ["HOME"] = "/home/me", ["GITHUB_RUN_ID"] = "1" }, null },
        };

        [Theory]
        [MemberData(nameof(CiSystems))]
        public void The_CI_run_is_read_from_the_variables_each_system_sets(string system, Hashtable env, string? run)
        {
            Assert.True(run == RunProvenance.CiRunFrom(env), system);
        }

        [Fact]
        public void The_process_and_the_SBKube_version_are_always_known()
        {
            var p = new RunProvenance();
            Assert.Equal((CurrentProcess.Host, CurrentProcess.Id), (p.Host, p.ProcessId));
            Assert.Matches(@"^\d+\.\d+\.\d+", p.SbkubeVersion);
            Assert.DoesNotContain("+", p.SbkubeVersion);
        }
    }
}
