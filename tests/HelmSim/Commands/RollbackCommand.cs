using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HelmSim.Commands
{
    /// <summary>helm rollback: a new revision copied from an earlier one (the previous one by default).</summary>
    internal sealed class RollbackCommand(HelmContext context) : HelmCommand(context, "rollback")
    {
        protected override IEnumerable<FlagSpec> Flags()
        {
            var l = new List<FlagSpec> { Bool("force"), Bool("wait-for-jobs"), Value("timeout"), OptValue("dry-run"), Value("history-max"), Bool("cleanup-on-fail"), Bool("no-hooks"), Bool("recreate-pods") };
            if (V4) { l.Add(OptValue("wait")); l.Add(Bool("force-replace")); l.Add(OptValue("server-side")); l.Add(Bool("force-conflicts")); }
            else l.Add(Bool("wait"));
            return l;
        }

        protected override int Run(ParsedArgs p)
        {
            if (p.Positionals.Count < 1) throw Usage("<RELEASE> [REVISION] [flags]", "requires at least 1 argument");
            if (p.Positionals.Count > 2) throw Usage("<RELEASE> [REVISION] [flags]", "accepts at most 2 arguments");
            string name = p.Positionals[0];
            int revision = 0;
            if (p.Positionals.Count == 2)
            {
                string rv = p.Positionals[1];
                if (!int.TryParse(rv, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out revision))
                {
                    throw new SimException("could not convert revision to a number: strconv.Atoi: parsing \"" + rv + "\": invalid syntax");
                }
            }
            int historyMax = p.Int("history-max", DefaultHistoryMax());
            if (V4 && p.Bool("force")) Stderr.Write("Flag --force has been deprecated, use --force-replace instead\n");
            CheckReachable();
            ValidateName(name);
            if (revision < 0) throw new SimException("invalid release revision number");
            bool dryRun = IsDryRun(p);
            Release pending;
            using (FileLock.State())
            {
                List<Release> hist = Store.History(Ns, name);
                if (hist.Count == 0) throw new SimException("release: not found");
                Release current = hist[hist.Count - 1];
                int prev = revision == 0 ? current.Version - 1 : revision;
                Release? target = hist.FirstOrDefault(h => h.Version == prev);
                if (target == null) throw new SimException("release has no " + prev.ToString(CultureInfo.InvariantCulture) + " version");
                if (dryRun)
                {
                    Stdout.Write("Rollback was a success! Happy Helming!\n");
                    return 0;
                }
                if (historyMax > 0) Store.Prune(Ns, name, historyMax - 1);
                pending = target.Clone();
                pending.Version = current.Version + 1;
                pending.FirstDeployed = current.FirstDeployed;
                pending.LastDeployed = SimEnv.Now();
                pending.Deleted = default;
                pending.Status = "pending-rollback";
                pending.Description = "Rollback to " + prev.ToString(CultureInfo.InvariantCulture);
                Store.Save(pending);
            }
            Delay("rollback");
            string? failure = Faults.Take("fail_rollback", "fail_next_rollback", "HELMSIM_FAIL_ROLLBACK", Ns, name, "context deadline exceeded", out string msg) ? msg : null;
            using (FileLock.State())
            {
                List<Release> hist = Store.History(Ns, name);
                Release rel = hist.FirstOrDefault(h => h.Version == pending.Version) ?? pending;
                if (failure != null)
                {
                    rel.Status = "failed";
                    rel.Description = "Rollback \"" + name + "\" failed: " + failure;
                    rel.LastDeployed = SimEnv.Now();
                    Store.Save(rel);
                    throw new SimException(failure);
                }
                foreach (Release h in hist)
                {
                    if (h.Version != rel.Version && h.Status == "deployed")
                    {
                        h.Status = "superseded";
                        Store.Save(h);
                    }
                }
                rel.Status = "deployed";
                rel.LastDeployed = SimEnv.Now();
                Store.Save(rel);
            }
            Stdout.Write("Rollback was a success! Happy Helming!\n");
            return 0;
        }
    }
}
