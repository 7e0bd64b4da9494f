using System;
using System.Threading.Tasks;
using SBKube.Core.Tools;

namespace SBKube.Core.Engine
{
    /// <summary>The git commit a config folder is at, and whether the folder differs from it, for the audit record.</summary>
    internal static class ConfigCommit
    {
        /// <summary>(null, null) for a folder outside git, or when git is missing or refuses the folder.</summary>
        internal static async Task<(string? Commit, bool? Dirty)> ReadAsync(string folder)
        {
            try
            {
                var git = new ToolRunner(Environment.GetEnvironmentVariable("SBKUBE_GIT") ?? "git");
                ToolResult head = await git.RunAsync(new[] { "-C", folder, "rev-parse", "--verify", "--quiet", "HEAD" }).ConfigureAwait(false);
                if (head.ExitCode != 0)
                {
                    return (null, null);
                }
                ToolResult status = await git.RunAsync(new[] { "-C", folder, "status", "--porcelain", "--", "." }).ConfigureAwait(false);
                return (head.StandardOutput.Trim(), status.ExitCode == 0 ? status.StandardOutput.Trim().Length > 0 : (bool?)null);
            }
            catch (Exception e) when (e is ToolNotFoundException || e is ToolExitUnknownException)
            {
                return (null, null);
            }
        }
    }
}
