using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace HelmSim.Commands
{
    /// <summary>helm repo remove: forgets repositories and deletes their index snapshots.</summary>
    internal sealed class RepoRemoveCommand(HelmContext context) : HelmCommand(context, "repo remove")
    {
        protected override IEnumerable<FlagSpec> Flags() => Array.Empty<FlagSpec>();

        protected override int Run(ParsedArgs p)
        {
            if (p.Positionals.Count < 1) throw Usage("[REPO1 [REPO2 ...]] [flags]", "requires at least 1 argument");
            Delay("repo");
            using (FileLock.State())
            {
                List<RepoEntry> repos = Repos.Load();
                foreach (string name in p.Positionals)
                {
                    RepoEntry? r = repos.FirstOrDefault(x => x.Name == name);
                    if (r == null) throw new SimException("no repo named \"" + name + "\" found");
                    repos.Remove(r);
                    Repos.Save(repos);
                    string cache = Path.Combine(Repos.CacheDir, name + "-index.json");
                    if (File.Exists(cache)) File.Delete(cache);
                    Stdout.Write("\"" + name + "\" has been removed from your repositories\n");
                }
            }
            return 0;
        }
    }
}
