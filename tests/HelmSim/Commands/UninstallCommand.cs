using System.Collections.Generic;

namespace HelmSim.Commands
{
    /// <summary>helm uninstall: deletes releases, or with --keep-history marks their last revision uninstalled.</summary>
    internal sealed class UninstallCommand(HelmContext context) : HelmCommand(context, "uninstall")
    {
        protected override IEnumerable<FlagSpec> Flags()
        {
            var l = new List<FlagSpec> { Bool("keep-history"), OptValue("dry-run"), Value("timeout"), Bool("ignore-not-found"), Bool("no-hooks"), Value("cascade"), Value("description"), Bool("wait-for-jobs") };
            l.Add(V4 ? OptValue("wait") : Bool("wait"));
            return l;
        }

        protected override int Run(ParsedArgs p)
        {
            if (p.Positionals.Count < 1) throw Usage("RELEASE_NAME [...] [flags]", "requires at least 1 argument");
            CheckReachable();
            bool keep = p.Bool("keep-history");
            bool dryRun = IsDryRun(p);
            foreach (string name in p.Positionals)
            {
                ValidateName(name);
                Release last;
                using (FileLock.State())
                {
                    List<Release> hist = Store.History(Ns, name);
                    if (hist.Count == 0)
                    {
                        if (p.Bool("ignore-not-found")) continue;
                        throw new SimException("uninstall: Release not loaded: " + name + ": release: not found");
                    }
                    last = hist[hist.Count - 1];
                    if (dryRun)
                    {
                        Stdout.Write("release \"" + name + "\" uninstalled\n");
                        continue;
                    }
                    if (last.Status == "uninstalled")
                    {
                        if (keep) throw new SimException("the release named \"" + name + "\" is already deleted");
                        Store.DeleteAll(Ns, name);
                        Stdout.Write("release \"" + name + "\" uninstalled\n");
                        continue;
                    }
                    last.Status = "uninstalling";
                    last.Deleted = SimEnv.Now();
                    last.Description = "Deletion in progress (or silently failed)";
                    Store.Save(last);
                }
                Delay("uninstall");
                using (FileLock.State())
                {
                    if (keep)
                    {
                        last.Status = "uninstalled";
                        last.Description = p.Get("description") is { Length: > 0 } d ? d : "Uninstallation complete";
                        Store.Save(last);
                    }
                    else
                    {
                        Store.DeleteAll(Ns, name);
                    }
                }
                Stdout.Write("release \"" + name + "\" uninstalled\n");
            }
            return 0;
        }
    }
}
