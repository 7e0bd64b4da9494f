using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace HelmSim.Commands
{
    /// <summary>helm repo update: re-snapshots the indexes of the added repositories (all, or those named).</summary>
    internal sealed class RepoUpdateCommand(HelmContext context) : HelmCommand(context, "repo update")
    {
        protected override IEnumerable<FlagSpec> Flags() => new[] { Bool("fail-on-repo-update-fail"), Value("timeout") };

        protected override int Run(ParsedArgs p)
        {
            Delay("repo");
            List<RepoEntry> repos = Repos.Load();
            if (repos.Count == 0)
            {
                throw new SimException("no repositories found. You must add one before updating");
            }
            var selected = repos;
            if (p.Positionals.Count > 0)
            {
                var missing = p.Positionals.Where(n => repos.All(r => r.Name != n)).ToList();
                if (missing.Count > 0)
                {
                    throw new SimException("no repositories found matching '" + string.Join(", ", missing) + "'.  Nothing will be updated");
                }
                selected = repos.Where(r => p.Positionals.Contains(r.Name)).ToList();
            }
            Stdout.Write("Hang tight while we grab the latest from your chart repositories...\n");
            var failed = new List<RepoEntry>();
            using (FileLock.State())
            {
                foreach (RepoEntry r in selected)
                {
                    bool fail = Faults.Contains("fail_repo_update", "", r.Name) || !Directory.Exists(Path.Combine(Catalog.Root, r.Name));
                    if (fail)
                    {
                        failed.Add(r);
                        Stdout.Write("...Unable to get an update from the \"" + r.Name + "\" chart repository (" + r.Url + "):\n\tfailed to fetch " + r.Url.TrimEnd('/') + "/index.yaml : 404 Not Found\n");
                        continue;
                    }
                    Repos.Snapshot(r);
                    Stdout.Write("...Successfully got an update from the \"" + r.Name + "\" chart repository\n");
                }
            }
            if (failed.Count > 0 && (V4 || p.Bool("fail-on-repo-update-fail")))
            {
                throw new SimException("Failed to update the following repositories: [" + string.Join(" ", failed.Select(f => f.Url)) + "]");
            }
            Stdout.Write("Update Complete. ⎈Happy Helming!⎈\n");
            return 0;
        }
    }
}
