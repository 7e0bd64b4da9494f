using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;

namespace HelmSim
{
    public sealed class HelmApp
    {
        public const string V3 = "v3.21.4";
        public const string V4 = "v4.2.4";
        private const string GitCommit3 = "8d5f8ba3e3c1c4f6a6d2b0e1f2a3b4c5d6e7f809";
        private const string GitCommit4 = "4a2c91e7b0d35f6e8c1a2b3d4e5f60718293a4b5";

        private readonly TextWriter stdout;
        private readonly TextWriter stderr;
        private Faults faults = null!;
        private bool v4;
        private string ns = "default";

        private static readonly Regex ReleaseNameRe = new Regex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant);
        private static readonly Regex DurationRe = new Regex(@"^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant);

        public HelmApp(TextWriter stdout, TextWriter stderr)
        {
            this.stdout = stdout;
            this.stderr = stderr;
        }

        private static readonly HashSet<string> GlobalValueFlags = new HashSet<string>(StringComparer.Ordinal)
        {
            "-n", "--namespace", "--kube-context", "--kubeconfig", "--kube-apiserver", "--kube-token", "--kube-as-user",
            "--kube-as-group", "--kube-ca-file", "--kube-tls-server-name", "--registry-config", "--repository-config",
            "--repository-cache", "--burst-limit", "--qps", "--content-cache",
        };

        private IEnumerable<FlagSpec> GlobalFlags()
        {
            yield return new FlagSpec("namespace", FlagKind.Value, 'n');
            yield return new FlagSpec("kube-context", FlagKind.Value);
            yield return new FlagSpec("kubeconfig", FlagKind.Value);
            yield return new FlagSpec("debug", FlagKind.Bool);
            yield return new FlagSpec("help", FlagKind.Bool, 'h');
            foreach (string f in new[] { "kube-apiserver", "kube-token", "kube-as-user", "kube-as-group", "kube-ca-file", "kube-tls-server-name", "registry-config", "repository-config", "repository-cache", "burst-limit", "qps" })
            {
                yield return new FlagSpec(f, FlagKind.Value);
            }
            yield return new FlagSpec("kube-insecure-skip-tls-verify", FlagKind.Bool);
            if (v4)
            {
                yield return new FlagSpec("content-cache", FlagKind.Value);
                yield return new FlagSpec("color", FlagKind.Value);
                yield return new FlagSpec("colour", FlagKind.Value);
            }
        }

        public int Run(string[] argv)
        {
            faults = Faults.Load();
            v4 = faults.HelmMajor == 4;

            // locate the command words (cobra finds subcommands among the non-flag arguments)
            var words = new List<int>();
            for (int i = 0; i < argv.Length && words.Count < 2; i++)
            {
                string a = argv[i];
                if (a == "--") break;
                if (a.StartsWith("-", StringComparison.Ordinal))
                {
                    if (!a.Contains('=') && GlobalValueFlags.Contains(a)) i++;
                    continue;
                }
                if (words.Count == 0)
                {
                    words.Add(i);
                    if (a != "repo" && a != "get") break;
                }
                else
                {
                    words.Add(i);
                }
            }
            if (words.Count == 0)
            {
                if (argv.Contains("--help") || argv.Contains("-h") || argv.Length == 0)
                {
                    stdout.Write("The Kubernetes package manager (HelmSim)\n\nUsage:\n  helm [command]\n\nAvailable Commands:\n  get, history, list, repo, rollback, status, uninstall, upgrade, version\n");
                    return 0;
                }
                ParsedArgs.Parse(argv, GlobalFlags());
                stdout.Write("The Kubernetes package manager (HelmSim)\n");
                return 0;
            }
            string cmd = argv[words[0]];
            string? sub = words.Count > 1 ? argv[words[1]] : null;
            var rest = new List<string>();
            for (int i = 0; i < argv.Length; i++)
            {
                if (i == words[0]) continue;
                if (words.Count > 1 && i == words[1]) continue;
                rest.Add(argv[i]);
            }
            if ((cmd == "repo" || cmd == "get") && sub == null)
            {
                throw new SimException("\"helm " + cmd + "\" requires a subcommand", extra: "\nUsage:  helm " + cmd + " [command]\n");
            }
            if (cmd != "repo" && cmd != "get" && sub != null)
            {
                rest.Insert(0, sub);
            }

            switch (cmd)
            {
                case "version":
                    return Version(Parse(rest, "version"));
                case "repo":
                    switch (sub)
                    {
                        case "add": return RepoAdd(Parse(rest, "repo add"));
                        case "update": case "up": return RepoUpdate(Parse(rest, "repo update"));
                        case "list": case "ls": return RepoList(Parse(rest, "repo list"));
                        case "remove": case "rm": return RepoRemove(Parse(rest, "repo remove"));
                        default: throw new SimException("unknown command \"" + sub + "\" for \"helm repo\"");
                    }
                case "upgrade":
                    return Upgrade(Parse(rest, "upgrade"), installCommand: false);
                case "install":
                    return Upgrade(Parse(rest, "install"), installCommand: true);
                case "history":
                case "hist":
                    return History(Parse(rest, "history"));
                case "list":
                case "ls":
                    return List(Parse(rest, "list"));
                case "status":
                    return Status(Parse(rest, "status"));
                case "get":
                    switch (sub)
                    {
                        case "values": return GetValues(Parse(rest, "get values"));
                        case "manifest": return GetManifest(Parse(rest, "get manifest"));
                        case "metadata": return GetMetadata(Parse(rest, "get metadata"));
                        case "notes": return GetNotes(Parse(rest, "get notes"));
                        default: throw new SimException("unknown command \"" + sub + "\" for \"helm get\"");
                    }
                case "rollback":
                    return Rollback(Parse(rest, "rollback"));
                case "uninstall":
                case "un":
                case "delete":
                case "del":
                    return Uninstall(Parse(rest, "uninstall"));
                default:
                    throw new SimException("unknown command \"" + cmd + "\" for \"helm\"", extra: "Run 'helm --help' for usage.\n");
            }
        }

        // ------------------------------------------------------------------ flags

        private IEnumerable<FlagSpec> CommandFlags(string cmd)
        {
            FlagSpec B(string n, char s = '\0') => new FlagSpec(n, FlagKind.Bool, s);
            FlagSpec V(string n, char s = '\0') => new FlagSpec(n, FlagKind.Value, s);
            FlagSpec O(string n) => new FlagSpec(n, FlagKind.OptValue);
            switch (cmd)
            {
                case "version":
                    return new[] { B("short"), V("template"), B("client", 'c') };
                case "repo add":
                    return new[] { V("username"), V("password"), B("password-stdin"), B("force-update"), B("insecure-skip-tls-verify"), B("pass-credentials"), V("ca-file"), V("cert-file"), V("key-file"), B("allow-deprecated-repos"), B("no-update"), V("timeout") };
                case "repo update":
                    return new[] { B("fail-on-repo-update-fail"), V("timeout") };
                case "repo list":
                    return new[] { V("output", 'o') };
                case "repo remove":
                    return Array.Empty<FlagSpec>();
                case "upgrade":
                case "install":
                    {
                        var l = new List<FlagSpec>
                        {
                            B("create-namespace"), V("version"), V("values", 'f'), V("set"), V("set-string"), V("set-json"), V("set-file"), V("set-literal"),
                            B("wait-for-jobs"), V("timeout"), B("atomic"), B("force"), O("dry-run"), V("description"), V("output", 'o'), B("devel"),
                            B("cleanup-on-fail"), B("no-hooks"), B("skip-crds"), B("render-subchart-notes"), B("disable-openapi-validation"), B("take-ownership"),
                            V("username"), V("password"), B("pass-credentials"), V("repo"), B("insecure-skip-tls-verify"), B("plain-http"), V("labels", 'l'),
                            B("enable-dns"), B("skip-schema-validation"), V("post-renderer"), V("post-renderer-args"), B("verify"), V("keyring"),
                            V("ca-file"), V("cert-file"), V("key-file"), B("dependency-update"), B("hide-notes"), B("hide-secret"),
                        };
                        if (cmd == "upgrade")
                        {
                            l.AddRange(new[] { B("install", 'i'), V("history-max"), B("reset-values"), B("reuse-values"), B("reset-then-reuse-values"), B("recreate-pods") });
                        }
                        else
                        {
                            l.AddRange(new[] { B("generate-name", 'g'), V("name-template"), B("replace") });
                        }
                        if (v4)
                        {
                            l.Add(O("wait"));
                            l.Add(B("rollback-on-failure"));
                            l.Add(B("force-replace"));
                            l.Add(O("server-side"));
                            l.Add(B("force-conflicts"));
                        }
                        else
                        {
                            l.Add(B("wait"));
                        }
                        return l;
                    }
                case "history":
                    return new[] { V("max"), V("output", 'o') };
                case "list":
                    {
                        var l = new List<FlagSpec>
                        {
                            B("all-namespaces", 'A'), V("filter"), V("output", 'o'), B("short", 'q'), B("date", 'd'), B("reverse", 'r'), V("max", 'm'),
                            V("offset"), B("no-headers"), V("time-format"), B("deployed"), B("failed"), B("pending"), B("superseded"), B("uninstalled"),
                            B("uninstalling"), V("selector", 'l'),
                        };
                        if (!v4) l.Add(B("all", 'a'));
                        return l;
                    }
                case "status":
                    return new[] { V("revision"), V("output", 'o'), B("show-desc"), B("show-resources") };
                case "get values":
                    return new[] { V("revision"), B("all", 'a'), V("output", 'o') };
                case "get manifest":
                case "get notes":
                    return new[] { V("revision") };
                case "get metadata":
                    return new[] { V("revision"), V("output", 'o') };
                case "rollback":
                    {
                        var l = new List<FlagSpec> { B("force"), B("wait-for-jobs"), V("timeout"), O("dry-run"), V("history-max"), B("cleanup-on-fail"), B("no-hooks"), B("recreate-pods") };
                        if (v4) { l.Add(O("wait")); l.Add(B("force-replace")); l.Add(O("server-side")); l.Add(B("force-conflicts")); }
                        else l.Add(B("wait"));
                        return l;
                    }
                case "uninstall":
                    {
                        var l = new List<FlagSpec> { B("keep-history"), O("dry-run"), V("timeout"), B("ignore-not-found"), B("no-hooks"), V("cascade"), V("description"), B("wait-for-jobs") };
                        l.Add(v4 ? O("wait") : B("wait"));
                        return l;
                    }
                default:
                    return Array.Empty<FlagSpec>();
            }
        }

        private ParsedArgs Parse(List<string> args, string cmd)
        {
            Func<string, string?>? unknown = null;
            if (cmd == "list" && v4)
            {
                unknown = f => f == "all" || f == "-a" ? "unknown flag: --all" : null;
            }
            ParsedArgs p = ParsedArgs.Parse(args, GlobalFlags().Concat(CommandFlags(cmd)), unknown);
            string? n = p.Get("namespace");
            if (!string.IsNullOrEmpty(n)) ns = n!;
            else if (Environment.GetEnvironmentVariable("HELM_NAMESPACE") is { Length: > 0 } envNs) ns = envNs;
            if (p.Has("timeout")) ValidateDuration(p.Get("timeout")!, "timeout");
            if (p.Has("output"))
            {
                string o = p.Get("output")!;
                if (o != "table" && o != "json" && o != "yaml")
                {
                    throw new SimException("invalid argument \"" + o + "\" for \"-o, --output\" flag: invalid format type");
                }
            }
            if (v4 && p.Has("wait"))
            {
                string w = p.Get("wait")!;
                if (w.Length > 0 && w != "watcher" && w != "hookOnly" && w != "legacy" && w != "true" && w != "false")
                {
                    throw new SimException("invalid argument \"" + w + "\" for \"--wait\" flag: invalid wait strategy \"" + w + "\"");
                }
            }
            if (p.Bool("help"))
            {
                stdout.Write("Usage:  helm " + cmd + " [flags]\n");
                throw new SimException("", exitCode: 0);
            }
            return p;
        }

        private static void ValidateDuration(string v, string flag)
        {
            string? err = null;
            if (v == "0" || DurationRe.IsMatch(v))
            {
                return;
            }
            if (Regex.IsMatch(v, @"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"))
            {
                err = "time: missing unit in duration \"" + v + "\"";
            }
            else
            {
                Match m = Regex.Match(v, @"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([^0-9.]+)");
                err = m.Success && !DurationRe.IsMatch("1" + m.Groups[3].Value)
                    ? "time: unknown unit \"" + m.Groups[3].Value + "\" in duration \"" + v + "\""
                    : "time: invalid duration \"" + v + "\"";
            }
            throw new SimException("invalid argument \"" + v + "\" for \"--" + flag + "\" flag: " + err);
        }

        private static SimException Usage(string cmd, string usage, string message)
        {
            return new SimException("\"helm " + cmd + "\" " + message, extra: "\nUsage:  helm " + usage + "\n");
        }

        private string Output(ParsedArgs p) => p.Get("output") ?? "table";

        private void CheckReachable()
        {
            if (faults.Unreachable)
            {
                string k = v4 ? "kubernetes" : "Kubernetes";
                throw new SimException(k + " cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp 127.0.0.1:6443: connect: connection refused");
            }
        }

        private static void ValidateName(string name)
        {
            if (name.Length == 0 || name.Length > 53 || !ReleaseNameRe.IsMatch(name))
            {
                throw new SimException("release name is invalid: " + name);
            }
        }

        private void Delay(string command)
        {
            int ms = faults.DelayMs(command);
            if (ms > 0) Thread.Sleep(ms);
        }

        private void WriteJson(JsonNode? node) => stdout.Write(SimEnv.ToJson(node) + "\n");

        private void WriteStructured(JsonNode? node, string format)
        {
            if (format == "yaml") stdout.Write(Yaml.Emit(node, sortKeys: false));
            else WriteJson(node);
        }

        private int DefaultHistoryMax()
        {
            string? env = Environment.GetEnvironmentVariable("HELM_MAX_HISTORY");
            return !string.IsNullOrEmpty(env) && int.TryParse(env, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 10;
        }

        // ------------------------------------------------------------------ version

        private int Version(ParsedArgs p)
        {
            Delay("version");
            string ver = v4 ? V4 : V3;
            string commit = v4 ? GitCommit4 : GitCommit3;
            if (p.Bool("short"))
            {
                stdout.Write(ver + "+g" + commit.Substring(0, 7) + "\n");
            }
            else if (p.Has("template"))
            {
                stdout.Write(p.Get("template")!.Replace("{{.Version}}", ver).Replace("{{ .Version }}", ver).Replace("{{.GitCommit}}", commit) + "\n");
            }
            else if (v4)
            {
                stdout.Write("version.BuildInfo{Version:\"" + ver + "\", GitCommit:\"" + commit + "\", GitTreeState:\"clean\", GoVersion:\"go1.25.9\", KubeClientVersion:\"v1.35\"}\n");
            }
            else
            {
                stdout.Write("version.BuildInfo{Version:\"" + ver + "\", GitCommit:\"" + commit + "\", GitTreeState:\"clean\", GoVersion:\"go1.24.11\"}\n");
            }
            return 0;
        }

        // ------------------------------------------------------------------ repo

        private int RepoAdd(ParsedArgs p)
        {
            if (p.Positionals.Count != 2) throw Usage("repo add", "helm repo add [NAME] [URL] [flags]", "requires 2 arguments");
            Delay("repo");
            string name = p.Positionals[0], url = p.Positionals[1];
            string username = p.Get("username") ?? "";
            string password = p.Get("password") ?? "";
            if (p.Bool("password-stdin"))
            {
                if (username.Length == 0)
                {
                    throw new SimException("the --username flag is required when --password-stdin is set");
                }
                password = Console.In.ReadToEnd();
                if (password.EndsWith("\n", StringComparison.Ordinal)) password = password.Substring(0, password.Length - 1);
                if (password.EndsWith("\r", StringComparison.Ordinal)) password = password.Substring(0, password.Length - 1);
            }
            else if (username.Length > 0 && password.Length == 0)
            {
                throw new SimException("inappropriate ioctl for device");
            }
            if (name.Contains('/'))
            {
                throw new SimException("repository name (" + name + ") contains '/', please specify a different name without '/'");
            }
            using (FileLock.State())
            {
                List<RepoEntry> repos = Repos.Load();
                RepoEntry? existing = repos.FirstOrDefault(r => r.Name == name);
                var entry = new RepoEntry { Name = name, Url = url, Username = username, Password = password };
                if (existing != null && !p.Bool("force-update"))
                {
                    if (existing.Url == url && existing.Username == username && existing.Password == password)
                    {
                        stdout.Write("\"" + name + "\" already exists with the same configuration, skipping\n");
                        return 0;
                    }
                    throw new SimException("repository name (" + name + ") already exists, please specify a different name");
                }
                Repos.Snapshot(entry);
                if (existing != null) repos.Remove(existing);
                repos.Add(entry);
                Repos.Save(repos);
            }
            stdout.Write("\"" + name + "\" has been added to your repositories\n");
            return 0;
        }

        private int RepoUpdate(ParsedArgs p)
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
            stdout.Write("Hang tight while we grab the latest from your chart repositories...\n");
            var failed = new List<RepoEntry>();
            using (FileLock.State())
            {
                foreach (RepoEntry r in selected)
                {
                    bool fail = faults.Contains("fail_repo_update", "", r.Name) || !Directory.Exists(Path.Combine(Catalog.Root, r.Name));
                    if (fail)
                    {
                        failed.Add(r);
                        stdout.Write("...Unable to get an update from the \"" + r.Name + "\" chart repository (" + r.Url + "):\n\tfailed to fetch " + r.Url.TrimEnd('/') + "/index.yaml : 404 Not Found\n");
                        continue;
                    }
                    Repos.Snapshot(r);
                    stdout.Write("...Successfully got an update from the \"" + r.Name + "\" chart repository\n");
                }
            }
            if (failed.Count > 0 && (v4 || p.Bool("fail-on-repo-update-fail")))
            {
                throw new SimException("Failed to update the following repositories: [" + string.Join(" ", failed.Select(f => f.Url)) + "]");
            }
            stdout.Write("Update Complete. ⎈Happy Helming!⎈\n");
            return 0;
        }

        private int RepoList(ParsedArgs p)
        {
            Delay("repo");
            List<RepoEntry> repos = Repos.Load();
            string o = Output(p);
            if (repos.Count == 0 && o == "table")
            {
                throw new SimException("no repositories to show");
            }
            if (o == "table")
            {
                var rows = new List<string[]> { new[] { "NAME", "URL" } };
                rows.AddRange(repos.Select(r => new[] { r.Name, r.Url }));
                stdout.Write(Fmt.Table(rows));
                return 0;
            }
            var arr = new JsonArray();
            foreach (RepoEntry r in repos) arr.Add(new JsonObject { ["name"] = r.Name, ["url"] = r.Url });
            WriteStructured(arr, o);
            return 0;
        }

        private int RepoRemove(ParsedArgs p)
        {
            if (p.Positionals.Count < 1) throw Usage("repo remove", "helm repo remove [REPO1 [REPO2 ...]] [flags]", "requires at least 1 argument");
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
                    stdout.Write("\"" + name + "\" has been removed from your repositories\n");
                }
            }
            return 0;
        }

        // ------------------------------------------------------------------ upgrade / install

        private static bool IsDryRun(ParsedArgs p)
        {
            if (!p.Has("dry-run")) return false;
            string v = p.Get("dry-run")!;
            return v != "false" && v != "none";
        }

        private JsonObject? BuildValues(ParsedArgs p, List<string> rawArgs)
        {
            var vals = new JsonObject();
            foreach (string f in p.All("values"))
            {
                Values.MergeInto(vals, Values.ReadValuesFile(f));
            }
            foreach (string s in p.All("set-json")) Values.ApplySet(vals, s, Values.SetMode.Json);
            foreach (string s in p.All("set")) Values.ApplySet(vals, s, Values.SetMode.Typed);
            foreach (string s in p.All("set-string")) Values.ApplySet(vals, s, Values.SetMode.String);
            foreach (string s in p.All("set-file"))
            {
                int eq = s.IndexOf('=');
                if (eq < 0) throw new SimException("key \"" + s + "\" has no value");
                string file = s.Substring(eq + 1);
                if (!File.Exists(file)) throw new SimException("open " + file + ": no such file or directory");
                var tmp = new JsonObject();
                Values.ApplySet(tmp, s.Substring(0, eq) + "=x", Values.SetMode.String);
                SetLeaf(tmp, File.ReadAllText(file));
                Values.MergeInto(vals, tmp);
            }
            foreach (string s in p.All("set-literal")) Values.ApplySet(vals, s, Values.SetMode.Literal);
            return vals.Count == 0 ? null : vals;
        }

        private static void SetLeaf(JsonObject o, string value)
        {
            foreach (var kv in o.ToList())
            {
                if (kv.Value is JsonObject child) SetLeaf(child, value);
                else o[kv.Key] = value;
            }
        }

        private int Upgrade(ParsedArgs p, bool installCommand)
        {
            string cmdName = installCommand ? "install" : "upgrade";
            if (p.Positionals.Count != 2)
            {
                throw Usage(cmdName, installCommand ? "helm install [NAME] [CHART] [flags]" : "helm upgrade [RELEASE] [CHART] [flags]", "requires 2 arguments");
            }
            string name = p.Positionals[0], chartRef = p.Positionals[1];
            int historyMax = installCommand ? 0 : p.Int("history-max", DefaultHistoryMax());
            string output = Output(p);
            if (v4 && p.Bool("atomic")) stderr.Write("Flag --atomic has been deprecated, use --rollback-on-failure instead\n");
            if (v4 && p.Bool("force")) stderr.Write("Flag --force has been deprecated, use --force-replace instead\n");
            bool atomic = p.Bool("atomic") || p.Bool("rollback-on-failure");
            string atomicWord = v4 ? "rollback-on-failure" : "atomic";
            bool dryRun = IsDryRun(p);
            bool allowInstall = installCommand || p.Bool("install");
            string errPrefix = installCommand ? "INSTALLATION FAILED: " : "UPGRADE FAILED: ";

            CheckReachable();
            ValidateName(name);

            List<Release> hist = Store.History(ns, name);
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
                stdout.Write("Release \"" + name + "\" does not exist. Installing it now.\n");
                stdout.Flush();
            }

            ChartInfo chart = Catalog.Resolve(chartRef, p.Get("version"), p.Bool("devel"));
            JsonObject? newValues = BuildValues(p, p.Positionals);

            if (installPath && faults.StrictNamespaces && !p.Bool("create-namespace") && !Store.NamespaceExists(ns))
            {
                throw new SimException((installCommand ? errPrefix : "") + "create: failed to create: namespaces \"" + ns + "\" not found");
            }

            DateTime now = SimEnv.Now();
            Release rel;
            Release? current = null;
            using (FileLock.State())
            {
                hist = Store.History(ns, name);
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
                    Namespace = ns,
                    Version = revision,
                    Status = installPath ? "pending-install" : "pending-upgrade",
                    FirstDeployed = installPath ? now : current!.FirstDeployed,
                    LastDeployed = now,
                    Description = installPath ? "Initial install underway" : "Preparing upgrade",
                    Chart = chart,
                    Config = config,
                    Manifest = Renderer.Manifest(chart, name, ns, computed, revision),
                    Notes = Renderer.Notes(chart, name, ns, computed, revision),
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
                        Store.Prune(ns, name, historyMax - 1);
                    }
                    if (installPath && p.Bool("create-namespace")) Store.CreateNamespace(ns);
                    Store.Save(rel);
                }
            }

            if (dryRun)
            {
                PrintRelease(rel, output, upgraded: !installPath, showManifest: true);
                return 0;
            }

            if (faults.Take(null, "leave_pending", "HELMSIM_LEAVE_PENDING", ns, name, "", out _))
            {
                // simulate SIGKILL: no output, pending revision stays
                throw new SimException("", exitCode: 137);
            }

            Delay(cmdName);

            string? failure = null;
            if (faults.Take("fail_upgrade", "fail_next_upgrade", "HELMSIM_FAIL_UPGRADE", ns, name, "context deadline exceeded", out string msg))
            {
                failure = msg;
            }
            else if (faults.Take("timeout_upgrade", "timeout_next_upgrade", "HELMSIM_TIMEOUT_UPGRADE", ns, name, "context deadline exceeded", out _))
            {
                failure = "context deadline exceeded";
            }

            string? errorMessage = null;
            using (FileLock.State())
            {
                hist = Store.History(ns, name);
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
                            Store.DeleteAll(ns, name);
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
        private Release CreateRollbackRevision(Release current, Release target, DateTime now, int historyMax)
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
            return nr;
        }

        private void PrintRelease(Release rel, string output, bool upgraded, bool showManifest)
        {
            if (output == "table")
            {
                if (upgraded && !showManifest) stdout.Write("Release \"" + rel.Name + "\" has been upgraded. Happy Helming!\n");
                stdout.Write(Fmt.StatusTable(rel, v4, showDesc: false, showManifest: showManifest));
            }
            else
            {
                WriteStructured(Fmt.ReleaseJson(rel, includeChart: true, v4: v4), output);
            }
        }

        // ------------------------------------------------------------------ rollback

        private int Rollback(ParsedArgs p)
        {
            if (p.Positionals.Count < 1) throw Usage("rollback", "helm rollback <RELEASE> [REVISION] [flags]", "requires at least 1 argument");
            if (p.Positionals.Count > 2) throw Usage("rollback", "helm rollback <RELEASE> [REVISION] [flags]", "accepts at most 2 arguments");
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
            if (v4 && p.Bool("force")) stderr.Write("Flag --force has been deprecated, use --force-replace instead\n");
            CheckReachable();
            ValidateName(name);
            if (revision < 0) throw new SimException("invalid release revision number");
            bool dryRun = IsDryRun(p);
            Release pending;
            using (FileLock.State())
            {
                List<Release> hist = Store.History(ns, name);
                if (hist.Count == 0) throw new SimException("release: not found");
                Release current = hist[hist.Count - 1];
                int prev = revision == 0 ? current.Version - 1 : revision;
                Release? target = hist.FirstOrDefault(h => h.Version == prev);
                if (target == null) throw new SimException("release has no " + prev.ToString(CultureInfo.InvariantCulture) + " version");
                if (dryRun)
                {
                    stdout.Write("Rollback was a success! Happy Helming!\n");
                    return 0;
                }
                if (historyMax > 0) Store.Prune(ns, name, historyMax - 1);
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
            string? failure = faults.Take("fail_rollback", "fail_next_rollback", "HELMSIM_FAIL_ROLLBACK", ns, name, "context deadline exceeded", out string msg) ? msg : null;
            using (FileLock.State())
            {
                List<Release> hist = Store.History(ns, name);
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
            stdout.Write("Rollback was a success! Happy Helming!\n");
            return 0;
        }

        // ------------------------------------------------------------------ uninstall

        private int Uninstall(ParsedArgs p)
        {
            if (p.Positionals.Count < 1) throw Usage("uninstall", "helm uninstall RELEASE_NAME [...] [flags]", "requires at least 1 argument");
            CheckReachable();
            bool keep = p.Bool("keep-history");
            bool dryRun = IsDryRun(p);
            foreach (string name in p.Positionals)
            {
                ValidateName(name);
                Release last;
                using (FileLock.State())
                {
                    List<Release> hist = Store.History(ns, name);
                    if (hist.Count == 0)
                    {
                        if (p.Bool("ignore-not-found")) continue;
                        throw new SimException("uninstall: Release not loaded: " + name + ": release: not found");
                    }
                    last = hist[hist.Count - 1];
                    if (dryRun)
                    {
                        stdout.Write("release \"" + name + "\" uninstalled\n");
                        continue;
                    }
                    if (last.Status == "uninstalled")
                    {
                        if (keep) throw new SimException("the release named \"" + name + "\" is already deleted");
                        Store.DeleteAll(ns, name);
                        stdout.Write("release \"" + name + "\" uninstalled\n");
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
                        Store.DeleteAll(ns, name);
                    }
                }
                stdout.Write("release \"" + name + "\" uninstalled\n");
            }
            return 0;
        }

        // ------------------------------------------------------------------ history / list / status / get

        private List<Release> RequireHistory(string name)
        {
            CheckReachable();
            ValidateName(name);
            List<Release> hist = Store.History(ns, name);
            if (hist.Count == 0) throw new SimException("release: not found");
            return hist;
        }

        private Release RequireRevision(ParsedArgs p, string name)
        {
            List<Release> hist = RequireHistory(name);
            int rev = p.Int("revision", 0);
            if (rev <= 0) return hist[hist.Count - 1];
            return hist.FirstOrDefault(h => h.Version == rev) ?? throw new SimException("release: not found");
        }

        private int History(ParsedArgs p)
        {
            if (p.Positionals.Count != 1) throw Usage("history", "helm history RELEASE_NAME [flags]", "requires 1 argument");
            int max = p.Int("max", 256);
            Delay("history");
            List<Release> hist = RequireHistory(p.Positionals[0]);
            if (max > 0 && hist.Count > max) hist = hist.Skip(hist.Count - max).ToList();
            string o = Output(p);
            if (o == "table")
            {
                var rows = new List<string[]> { new[] { "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION" } };
                foreach (Release r in hist)
                {
                    rows.Add(new[] { r.Version.ToString(CultureInfo.InvariantCulture), Fmt.Ansic(r.LastDeployed), r.Status, r.Chart.FullName, r.Chart.AppVersion, r.Description });
                }
                stdout.Write(Fmt.Table(rows, 60));
                return 0;
            }
            var arr = new JsonArray();
            foreach (Release r in hist)
            {
                arr.Add(new JsonObject
                {
                    ["revision"] = r.Version,
                    ["updated"] = Fmt.Rfc3339(r.LastDeployed),
                    ["status"] = r.Status,
                    ["chart"] = r.Chart.FullName,
                    ["app_version"] = r.Chart.AppVersion,
                    ["description"] = r.Description,
                });
            }
            WriteStructured(arr, o);
            return 0;
        }

        private int List(ParsedArgs p)
        {
            if (p.Positionals.Count > 0) throw Usage("list", "helm list [flags]", "accepts 0 arg(s), received " + p.Positionals.Count.ToString(CultureInfo.InvariantCulture));
            Delay("list");
            CheckReachable();
            Regex? filter = null;
            if (p.Get("filter") is { Length: > 0 } f)
            {
                try { filter = new Regex(f, RegexOptions.CultureInvariant); }
                catch (ArgumentException e) { throw new SimException("error parsing regexp: " + e.Message); }
            }
            var states = new HashSet<string>(StringComparer.Ordinal);
            if (p.Bool("deployed")) states.Add("deployed");
            if (p.Bool("failed")) states.Add("failed");
            if (p.Bool("pending")) { states.Add("pending-install"); states.Add("pending-upgrade"); states.Add("pending-rollback"); }
            if (p.Bool("superseded")) states.Add("superseded");
            if (p.Bool("uninstalled")) states.Add("uninstalled");
            if (p.Bool("uninstalling")) states.Add("uninstalling");
            bool all = v4 || p.Bool("all");
            if (states.Count == 0 && !all) { states.Add("deployed"); states.Add("failed"); }

            var results = new List<Release>();
            foreach (var (rns, rname) in Store.Releases(p.Bool("all-namespaces") ? null : ns))
            {
                if (filter != null && !filter.IsMatch(rname)) continue;
                List<Release> hist = Store.History(rns, rname);
                if (hist.Count == 0) continue;
                Release latest = hist[hist.Count - 1];
                if (states.Count == 1 && states.Contains("superseded"))
                {
                    results.AddRange(hist.Where(h => h.Status == "superseded"));
                    continue;
                }
                if (states.Count > 0 && !states.Contains(latest.Status)) continue;
                results.Add(latest);
            }
            if (p.Bool("date"))
            {
                results = results.OrderBy(r => r.LastDeployed).ToList();
            }
            else
            {
                results = results.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Namespace, StringComparer.Ordinal).ToList();
            }
            if (p.Bool("reverse")) results.Reverse();
            int offset = p.Int("offset", 0);
            int max = p.Int("max", 256);
            results = results.Skip(Math.Max(0, offset)).ToList();
            if (max > 0) results = results.Take(max).ToList();

            string o = Output(p);
            if (p.Bool("short"))
            {
                if (o == "table")
                {
                    foreach (Release r in results) stdout.Write(r.Name + "\n");
                }
                else
                {
                    var names = new JsonArray();
                    foreach (Release r in results) names.Add(r.Name);
                    WriteStructured(names, o);
                }
                return 0;
            }
            if (o == "table")
            {
                var rows = new List<string[]>();
                if (!p.Bool("no-headers")) rows.Add(new[] { "NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION" });
                foreach (Release r in results)
                {
                    rows.Add(new[] { r.Name, r.Namespace, r.Version.ToString(CultureInfo.InvariantCulture), Fmt.GoString(r.LastDeployed), r.Status, r.Chart.FullName, r.Chart.AppVersion });
                }
                stdout.Write(Fmt.Table(rows));
                return 0;
            }
            var arr = new JsonArray();
            foreach (Release r in results)
            {
                arr.Add(new JsonObject
                {
                    ["name"] = r.Name,
                    ["namespace"] = r.Namespace,
                    ["revision"] = r.Version.ToString(CultureInfo.InvariantCulture),
                    ["updated"] = Fmt.GoString(r.LastDeployed),
                    ["status"] = r.Status,
                    ["chart"] = r.Chart.FullName,
                    ["app_version"] = r.Chart.AppVersion,
                });
            }
            WriteStructured(arr, o);
            return 0;
        }

        private int Status(ParsedArgs p)
        {
            if (p.Positionals.Count != 1) throw Usage("status", "helm status RELEASE_NAME [flags]", "requires 1 argument");
            Delay("status");
            Release r = RequireRevision(p, p.Positionals[0]);
            string o = Output(p);
            if (o == "table")
            {
                stdout.Write(Fmt.StatusTable(r, v4, p.Bool("show-desc"), false));
            }
            else
            {
                WriteStructured(Fmt.ReleaseJson(r, includeChart: false, v4: v4), o);
            }
            return 0;
        }

        private int GetValues(ParsedArgs p)
        {
            if (p.Positionals.Count != 1) throw Usage("get values", "helm get values RELEASE_NAME [flags]", "requires 1 argument");
            Delay("get");
            Release r = RequireRevision(p, p.Positionals[0]);
            bool all = p.Bool("all");
            JsonObject? vals = all ? Values.Coalesce(r.Chart.Values, r.Config) : r.Config;
            string o = Output(p);
            if (o == "table")
            {
                stdout.Write((all ? "COMPUTED VALUES:\n" : "USER-SUPPLIED VALUES:\n") + Yaml.Emit(vals));
            }
            else
            {
                WriteStructured(vals, o);
            }
            return 0;
        }

        private int GetManifest(ParsedArgs p)
        {
            if (p.Positionals.Count != 1) throw Usage("get manifest", "helm get manifest RELEASE_NAME [flags]", "requires 1 argument");
            Delay("get");
            Release r = RequireRevision(p, p.Positionals[0]);
            stdout.Write(r.Manifest + "\n");
            return 0;
        }

        private int GetNotes(ParsedArgs p)
        {
            if (p.Positionals.Count != 1) throw Usage("get notes", "helm get notes RELEASE_NAME [flags]", "requires 1 argument");
            Delay("get");
            Release r = RequireRevision(p, p.Positionals[0]);
            if (r.Notes.Length > 0) stdout.Write("NOTES:\n" + r.Notes.TrimEnd('\n') + "\n");
            return 0;
        }

        private int GetMetadata(ParsedArgs p)
        {
            if (p.Positionals.Count != 1) throw Usage("get metadata", "helm get metadata RELEASE_NAME [flags]", "requires 1 argument");
            Delay("get");
            Release r = RequireRevision(p, p.Positionals[0]);
            string o = Output(p);
            string deployedAt = Fmt.Rfc3339(r.LastDeployed);
            if (o == "table")
            {
                stdout.Write("NAME: " + r.Name + "\nCHART: " + r.Chart.Name + "\nVERSION: " + r.Chart.Version + "\nAPP_VERSION: " + r.Chart.AppVersion +
                    "\nNAMESPACE: " + r.Namespace + "\nREVISION: " + r.Version.ToString(CultureInfo.InvariantCulture) + "\nSTATUS: " + r.Status + "\nDEPLOYED_AT: " + deployedAt + "\n");
                return 0;
            }
            var m = new JsonObject
            {
                ["name"] = r.Name,
                ["chart"] = r.Chart.Name,
                ["version"] = r.Chart.Version,
                ["appVersion"] = r.Chart.AppVersion,
                ["namespace"] = r.Namespace,
                ["revision"] = r.Version,
                ["status"] = r.Status,
                ["deployedAt"] = deployedAt,
            };
            WriteStructured(m, o);
            return 0;
        }
    }
}
