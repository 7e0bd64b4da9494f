using System;
using System.Collections;
using System.Reflection;

namespace SBKube.Core.State
{
    /// <summary>
    /// Who makes this process's changes, from where and with what: written with every history row, so the audit
    /// answers "which CI run, from which commit of the config, with which Helm" for failed and refused attempts too.
    /// </summary>
    public sealed class RunProvenance
    {
        public string Host { get; } = CurrentProcess.Host;
        public int ProcessId { get; } = CurrentProcess.Id;
        /// <summary>The CI or automation run (a URL, or an id where the system gives none).</summary>
        public string? CiRun { get; set; }
        /// <summary>The git commit of the config folder an apply read; null for a folder outside git, or no config.</summary>
        public string? ConfigCommit { get; set; }
        /// <summary>Whether the config folder differed from that commit.</summary>
        public bool? ConfigDirty { get; set; }
        /// <summary>As <c>helm version --short</c> says, without its build suffix.</summary>
        public string? HelmVersion { get; set; }
        public string SbkubeVersion { get; } = Version;

        private static readonly string Version =
            typeof(RunProvenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? typeof(RunProvenance).Assembly.GetName().Version?.ToString() ?? "";

        /// <summary>This process's provenance: its CI run from the variables CI systems set (SBKUBE_CI_RUN first).</summary>
        public static RunProvenance FromEnvironment() => new RunProvenance { CiRun = CiRunFrom(Environment.GetEnvironmentVariables()) };

        /// <summary>
        /// The run URL (or id) of GitHub Actions, Azure Pipelines, GitLab CI and Jenkins, from the variables each sets;
        /// SBKUBE_CI_RUN names it for any other system. Null outside CI.
        /// </summary>
        public static string? CiRunFrom(IDictionary env)
        {
            string? Get(string name) => env[name] is string v && v.Length > 0 ? v : null;
            if (Get("SBKUBE_CI_RUN") is string own)
            {
                return own;
            }
            if (Get("GITHUB_ACTIONS") == "true" && Get("GITHUB_RUN_ID") is string run)
            {
                string url = $"{Get("GITHUB_SERVER_URL") ?? "https://github.com"}/{Get("GITHUB_REPOSITORY")}/actions/runs/{run}";
                return Get("GITHUB_RUN_ATTEMPT") is string attempt ? $"{url}/attempts/{attempt}" : url;
            }
            if (Get("TF_BUILD") == "True" && Get("BUILD_BUILDID") is string build)
            {
                return Get("SYSTEM_COLLECTIONURI") is string collection && Get("SYSTEM_TEAMPROJECT") is string project
                    ? $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={build}"
                    : $"azure-pipelines:{build}";
            }
            if (Get("GITLAB_CI") == "true")
            {
                return Get("CI_JOB_URL") ?? Get("CI_PIPELINE_URL") ?? (Get("CI_JOB_ID") is string job ? $"gitlab:{job}" : null);
            }
            return Get("JENKINS_URL") != null ? Get("BUILD_URL") ?? (Get("BUILD_TAG") is string tag ? $"jenkins:{tag}" : null) : null;
        }
    }
}
