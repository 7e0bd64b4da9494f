using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace HelmSim.Commands
{
    /// <summary>helm upgrade (installing with --install) and helm install: a new revision from a chart and values, with the failure and atomic paths.</summary>
    internal sealed class UpgradeCommand(HelmContext context, bool installCommand) : HelmCommand(context, installCommand ? "install" : "upgrade")
    {
        protected override IEnumerable<FlagSpec> Flags()
        {
            var l = new List<FlagSpec>
            {
                Bool("create-namespace"), Value("version"), Value("values", 'f'), Value("set"), Value("set-string"), Value("set-json"), Value("set-file"), Value("set-literal"),
                Bool("wait-for-jobs"), Value("timeout"), Bool("atomic"), Bool("force"), OptValue("dry-run"), Value("description"), Value("output", 'o'), Bool("devel"),
                Bool("cleanup-on-fail"), Bool("no-hooks"), Bool("skip-crds"), Bool("render-subchart-notes"), Bool("disable-openapi-validation"), Bool("take-ownership"),
                Value("username"), Value("password"), Bool("pass-credentials"), Value("repo"), Bool("insecure-skip-tls-verify"), Bool("plain-http"), Value("labels", 'l'),
                Bool("enable-dns"), Bool("skip-schema-validation"), Value("post-renderer"), Value("post-renderer-args"), Bool("verify"), Value("keyring"),
                Value("ca-file"), Value("cert-file"), Value("key-file"), Bool("dependency-update"), Bool("hide-notes"), Bool("hide-secret"),
            };
            if (installCommand)
            {
                l.AddRange(new[] { Bool("generate-name", 'g'), Value("name-template"), Bool("replace") });
            }
            else
            {
                l.AddRange(new[] { Bool("install", 'i'), Value("history-max"), Bool("reset-values"), Bool("reuse-values"), Bool("reset-then-reuse-values"), Bool("recreate-pods") });
            }
            if (V4)
            {
                l.Add(OptValue("wait"));
                l.Add(Bool("rollback-on-failure"));
                l.Add(Bool("force-replace"));
                l.Add(OptValue("server-side"));
                l.Add(Bool("force-conflicts"));
            }
            else
            {
                l.Add(Bool("wait"));
            }
            return l;
        }

        protected override int Run(ParsedArgs p)
        {
            if (p.Positionals.Count != 2)
            {
                throw Usage(installCommand ? "[NAME] [CHART] [flags]" : "[RELEASE] [CHART] [flags]", "requires 2 arguments");
            }
            string name = p.Positionals[0], chartRef = p.Positionals[1];
            int historyMax = installCommand ? 0 : p.Int("history-max", DefaultHistoryMax());
            string output = Output(p);
            if (V4 && p.Bool("atomic")) Stderr.Write("Flag --atomic has been deprecated, use --rollback-on-failure instead\n");
            if (V4 && p.Bool("force")) Stderr.Write("Flag --force has been deprecated, use --force-replace instead\n");
            bool atomic = p.Bool("atomic") || p.Bool("rollback-on-failure");
            string atomicWord = V4 ? "rollback-on-failure" : "atomic";
            bool dryRun = IsDryRun(p);
            bool allowInstall = installCommand || p.Bool("install");
            string errPrefix = installCommand ? "INSTALLATION FAILED: " : "UPGRADE FAILED: ";

            CheckReachable();
            ValidateName(name);

            List<Release> hist = Store.History(Ns, name);
            bool installPath = hist.Count == 0 || hist[hist.Count - 1].Status == "uninstalled";
            if (installCommand && !installPath)
            {
                throw new SimException(errPrefix + "cannot re-use a name that is still in use");
            }
            if (installPath && !allowInstall)
            {
                throw new SimException(errPrefix + "\"" + name + "\" has no deployed releases");
            }
            if (installPath && !installCommand && output == "table")
            {
                Stdout.Write("Release \"" + name + "\" does not exist. Installing it now.\n");
                Stdout.Flush();
            }

            ChartInfo chart = Catalog.Resolve(chartRef, p.Get("version"), p.Bool("devel"));
            JsonObject? newValues = ValueFlags.Merge(p);

            if (installPath && Faults.StrictNamespaces && !p.Bool("create-namespace") && !Store.NamespaceExists(Ns))
            {
                throw new SimException((installCommand ? errPrefix : "") + "create: failed to create: namespaces \"" + Ns + "\" not found");
            }

            DateTime now = SimEnv.Now();
            Release rel;
            Release? current = null;
            using (FileLock.State())
            {
                hist = Store.History(Ns, name);
                installPath = hist.Count == 0 || hist[hist.Count - 1].Status == "uninstalled";
                Release? last = hist.Count > 0 ? hist[hist.Count - 1] : null;
                JsonObject? config;
                int revision;
                if (installPath)
                {
                    config = newValues;
                    revision = last == null ? 1 : last.Version + 1;
                }
                else
                {
                    if (installCommand) throw new SimException(errPrefix + "cannot re-use a name that is still in use");
                    if (last!.IsPending)
                    {
                        throw new SimException(errPrefix + "another operation (install/upgrade/rollback) is in progress");
                    }
                    current = last.Status == "deployed" ? last : hist.LastOrDefault(h => h.Status == "deployed");
                    if (current == null && (last.Status == "failed" || last.Status == "superseded")) current = last;
                    if (current == null)
                    {
                        throw new SimException(errPrefix + "\"" + name + "\" has no deployed releases");
                    }
                    if (p.Bool("reset-values"))
                    {
                        config = newValues;
                    }
                    else if (p.Bool("reuse-values") || p.Bool("reset-then-reuse-values"))
                    {
                        config = current.Config == null ? newValues : (JsonObject)current.Config.DeepClone();
                        if (config != null && newValues != null) Values.MergeInto(config, newValues);
                    }
                    else
                    {
                        config = newValues ?? (JsonObject?)current.Config?.DeepClone();
                    }
                    revision = last.Version + 1;
                }
                JsonObject computed = Values.Coalesce(chart.Values, config);
                rel = new Release
                {
                    Name = name,
                    Namespace = Ns,
                    Version = revision,
                    Status = installPath ? "pending-install" : "pending-upgrade",
                    FirstDeployed = installPath ? now : current!.FirstDeployed,
                    LastDeployed = now,
                    Description = installPath ? "Initial install underway" : "Preparing upgrade",
                    Chart = chart,
                    Config = config,
                    Manifest = Renderer.Manifest(chart, name, Ns, computed, revision),
                    Notes = Renderer.Notes(chart, name, Ns, computed, revision),
                };
                if (dryRun)
                {
                    rel.Description = "Dry run complete";
                }
                else
                {
                    if (installPath && last != null)
                    {
                        last.Status = "superseded";
                        last.Description = "superseded by new release";
                        Store.Save(last);
                    }
                    if (!installPath && historyMax > 0)
                    {
                        Store.Prune(Ns, name, historyMax - 1);
                    }
                    if (installPath && p.Bool("create-namespace")) Store.CreateNamespace(Ns);
                    Store.Save(rel);
                }
            }

            if (dryRun)
            {
                PrintRelease(rel, output, upgraded: !installPath, showManifest: true);
                return 0;
            }

            if (Faults.Take(null, "leave_pending", "HELMSIM_LEAVE_PENDING", Ns, name, "", out _))
            {
                // simulate SIGKILL: no output, pending revision stays
                throw new SimException("", exitCode: 137);
            }

            Delay(Name);

            string? failure = null;
            if (Faults.Take("fail_upgrade", "fail_next_upgrade", "HELMSIM_FAIL_UPGRADE", Ns, name, "context deadline exceeded", out string msg))
            {
                failure = msg;
            }
            else if (Faults.Take("timeout_upgrade", "timeout_next_upgrade", "HELMSIM_TIMEOUT_UPGRADE", Ns, name, "context deadline exceeded", out _))
            {
                failure = "context deadline exceeded";
            }

            string? errorMessage = null;
            using (FileLock.State())
            {
                hist = Store.History(Ns, name);
                Release? stored = hist.FirstOrDefault(h => h.Version == rel.Version);
                if (stored != null) rel = stored;
                DateTime done = SimEnv.Now();
                if (failure == null)
                {
                    foreach (Release h in hist)
                    {
                        if (h.Version != rel.Version && (h.Status == "deployed" || (current != null && h.Version == current.Version && h.Status == "failed")))
                        {
                            h.Status = "superseded";
                            Store.Save(h);
                        }
                    }
                    rel.Status = "deployed";
                    rel.Description = p.Get("description") is { Length: > 0 } d ? d : (installPath ? "Install complete" : "Upgrade complete");
                    rel.LastDeployed = done;
                    Store.Save(rel);
                }
                else
                {
                    rel.Status = "failed";
                    rel.Description = installPath ? "Release \"" + name + "\" failed: " + failure : "Upgrade \"" + name + "\" failed: " + failure;
                    rel.LastDeployed = done;
                    Store.Save(rel);
                    errorMessage = failure;
                    if (atomic)
                    {
                        if (installPath)
                        {
                            Store.DeleteAll(Ns, name);
                            errorMessage = "release " + name + " failed, and has been uninstalled due to " + atomicWord + " being set: " + failure;
                        }
                        else
                        {
                            Release? target = hist.Where(h => h.Version != rel.Version && (h.Status == "superseded" || h.Status == "deployed")).OrderBy(h => h.Version).LastOrDefault();
                            if (target == null)
                            {
                                errorMessage = "unable to find a previously successful release when attempting to rollback a failed release: " + failure;
                            }
                            else
                            {
                                CreateRollbackRevision(rel, target, done, historyMax);
                                errorMessage = "release " + name + " failed, and has been rolled back due to " + atomicWord + " being set: " + failure;
                            }
                        }
                    }
                }
            }
            if (errorMessage != null)
            {
                throw new SimException((installPath && !installCommand ? "" : errPrefix) + errorMessage);
            }
            PrintRelease(rel, output, upgraded: !installPath, showManifest: false);
            return 0;
        }

        /// <summary>Creates last+1 as a copy of target ("Rollback to N"), deployed; other deployed revisions superseded. Caller holds the lock.</summary>
        private static void CreateRollbackRevision(Release current, Release target, DateTime now, int historyMax)
        {
            if (historyMax > 0) Store.Prune(current.Namespace, current.Name, historyMax - 1);
            Release nr = target.Clone();
            nr.Version = current.Version + 1;
            nr.FirstDeployed = current.FirstDeployed;
            nr.LastDeployed = now;
            nr.Deleted = default;
            nr.Status = "deployed";
            nr.Description = "Rollback to " + target.Version.ToString(CultureInfo.InvariantCulture);
            foreach (Release h in Store.History(current.Namespace, current.Name))
            {
                if (h.Status == "deployed")
                {
                    h.Status = "superseded";
                    Store.Save(h);
                }
            }
            Store.Save(nr);
        }

        private void PrintRelease(Release rel, string output, bool upgraded, bool showManifest)
        {
            if (output == "table")
            {
                if (upgraded && !showManifest) Stdout.Write("Release \"" + rel.Name + "\" has been upgraded. Happy Helming!\n");
                Stdout.Write(Fmt.StatusTable(rel, V4, showDesc: false, showManifest: showManifest));
            }
            else
            {
                WriteStructured(Fmt.ReleaseJson(rel, includeChart: true, v4: V4), output);
            }
        }
    }
}
