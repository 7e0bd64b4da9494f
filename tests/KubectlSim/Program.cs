using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using HelmSim;

namespace KubectlSim
{
    /// <summary>Minimal kubectl simulator sharing $HELMSIM_HOME with HelmSim. Objects: HOME/kube/&lt;ns&gt;/&lt;resource&gt;/&lt;name&gt;.yaml.</summary>
    public static class Program
    {
        private static readonly HashSet<string> ClusterScoped = new HashSet<string>(StringComparer.Ordinal)
        {
            "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
            "PriorityClass", "IngressClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "ClusterIssuer",
        };

        private static readonly Dictionary<string, (string Kind, string Group)> Aliases = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase)
        {
            ["deploy"] = ("Deployment", "apps"), ["deployment"] = ("Deployment", "apps"), ["deployments"] = ("Deployment", "apps"),
            ["sts"] = ("StatefulSet", "apps"), ["statefulset"] = ("StatefulSet", "apps"), ["statefulsets"] = ("StatefulSet", "apps"),
            ["ds"] = ("DaemonSet", "apps"), ["daemonset"] = ("DaemonSet", "apps"), ["daemonsets"] = ("DaemonSet", "apps"),
            ["svc"] = ("Service", ""), ["service"] = ("Service", ""), ["services"] = ("Service", ""),
            ["cm"] = ("ConfigMap", ""), ["configmap"] = ("ConfigMap", ""), ["configmaps"] = ("ConfigMap", ""),
            ["secret"] = ("Secret", ""), ["secrets"] = ("Secret", ""),
            ["ns"] = ("Namespace", ""), ["namespace"] = ("Namespace", ""), ["namespaces"] = ("Namespace", ""),
            ["sa"] = ("ServiceAccount", ""), ["serviceaccount"] = ("ServiceAccount", ""), ["serviceaccounts"] = ("ServiceAccount", ""),
            ["ing"] = ("Ingress", "networking.k8s.io"), ["ingress"] = ("Ingress", "networking.k8s.io"), ["ingresses"] = ("Ingress", "networking.k8s.io"),
            ["job"] = ("Job", "batch"), ["jobs"] = ("Job", "batch"), ["cronjob"] = ("CronJob", "batch"), ["cronjobs"] = ("CronJob", "batch"),
            ["pvc"] = ("PersistentVolumeClaim", ""), ["persistentvolumeclaim"] = ("PersistentVolumeClaim", ""), ["persistentvolumeclaims"] = ("PersistentVolumeClaim", ""),
        };

        private static TextWriter stdout = null!;
        private static TextWriter stderr = null!;
        private static Faults faults = null!;

        public static int Main(string[] argv)
        {
            DateTime start = DateTime.UtcNow;
            stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" };
            stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            int code;
            try
            {
                code = Run(argv);
            }
            catch (SimException e)
            {
                stdout.Flush();
                if (e.Message.Length > 0) stderr.Write(e.Raw ? e.Message + "\n" : "error: " + e.Message + "\n");
                code = e.ExitCode;
            }
            catch (Exception e)
            {
                stdout.Flush();
                stderr.Write("error: kubectlsim internal error: " + e.GetType().Name + ": " + e.Message + "\n");
                code = 1;
            }
            stdout.Flush();
            CallLog.Write("kubectl", start, DateTime.UtcNow, code, argv);
            return code;
        }

        private static IEnumerable<FlagSpec> Flags()
        {
            yield return new FlagSpec("namespace", FlagKind.Value, 'n');
            yield return new FlagSpec("context", FlagKind.Value);
            yield return new FlagSpec("kubeconfig", FlagKind.Value);
            yield return new FlagSpec("request-timeout", FlagKind.Value);
            yield return new FlagSpec("filename", FlagKind.Value, 'f');
            yield return new FlagSpec("output", FlagKind.Value, 'o');
            yield return new FlagSpec("ignore-not-found", FlagKind.Bool);
            yield return new FlagSpec("dry-run", FlagKind.OptValue);
            yield return new FlagSpec("server-side", FlagKind.Bool);
            yield return new FlagSpec("force-conflicts", FlagKind.Bool);
            yield return new FlagSpec("field-manager", FlagKind.Value);
            yield return new FlagSpec("wait", FlagKind.Bool);
            yield return new FlagSpec("timeout", FlagKind.Value);
            yield return new FlagSpec("client", FlagKind.Bool);
            yield return new FlagSpec("recursive", FlagKind.Bool, 'R');
            yield return new FlagSpec("all-namespaces", FlagKind.Bool, 'A');
            yield return new FlagSpec("v", FlagKind.Value, 'v');
        }

        private static int Run(string[] argv)
        {
            faults = Faults.Load();
            ParsedArgs p = ParsedArgs.Parse(argv, Flags());
            if (p.Positionals.Count == 0)
            {
                stdout.Write("kubectl controls the Kubernetes cluster manager (KubectlSim).\n");
                return 0;
            }
            string cmd = p.Positionals[0];
            string ns = p.Get("namespace") is { Length: > 0 } n ? n : "default";
            switch (cmd)
            {
                case "version":
                    Delay("version");
                    if (p.Get("output") == "json")
                    {
                        stdout.Write("{\n  \"clientVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"34\",\n    \"gitVersion\": \"v1.34.1\",\n    \"platform\": \"linux/amd64\"\n  },\n  \"kustomizeVersion\": \"v5.7.1\"\n}\n");
                    }
                    else
                    {
                        stdout.Write("Client Version: v1.34.1\nKustomize Version: v5.7.1\n");
                    }
                    if (!p.Bool("client"))
                    {
                        CheckReachable();
                        stdout.Write("Server Version: v1.34.0\n");
                    }
                    return 0;
                case "config":
                    {
                        string ctx = Environment.GetEnvironmentVariable("HELMSIM_KUBE_CONTEXT") is { Length: > 0 } c ? c : "helmsim";
                        string sub = p.Positionals.Count > 1 ? p.Positionals[1] : "";
                        if (sub == "current-context")
                        {
                            stdout.Write(ctx + "\n");
                            return 0;
                        }
                        if (sub == "get-contexts")
                        {
                            if (p.Get("output") == "name") stdout.Write(ctx + "\n");
                            else stdout.Write("CURRENT   NAME      CLUSTER   AUTHINFO   NAMESPACE\n*         " + ctx + "   " + ctx + "   " + ctx + "\n");
                            return 0;
                        }
                        throw new SimException("unknown command \"" + sub + "\" for \"kubectl config\"");
                    }
                case "apply":
                    return Apply(p, ns);
                case "delete":
                    return Delete(p, ns);
                case "get":
                    return Get(p, ns);
                case "create":
                    if (p.Positionals.Count == 3 && (p.Positionals[1] == "namespace" || p.Positionals[1] == "ns"))
                    {
                        Delay("create");
                        CheckReachable();
                        string name = p.Positionals[2];
                        string path = ObjectPath("", "namespace", name);
                        using (FileLock.State())
                        {
                            if (File.Exists(path)) throw new SimException("Error from server (AlreadyExists): namespaces \"" + name + "\" already exists", raw: true);
                            var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };
                            SimEnv.WriteAtomic(path, Yaml.Emit(obj));
                            Store.CreateNamespace(name);
                        }
                        stdout.Write("namespace/" + name + " created\n");
                        return 0;
                    }
                    throw new SimException("kubectlsim supports only: create namespace NAME");
                default:
                    throw new SimException("unknown command \"" + cmd + "\" for \"kubectl\"", raw: false);
            }
        }

        private static void Delay(string command)
        {
            int ms = faults.DelayMs("kubectl-" + command);
            if (ms == 0) ms = faults.DelayMs(command);
            if (ms > 0) Thread.Sleep(ms);
        }

        private static void CheckReachable()
        {
            if (faults.Unreachable)
            {
                throw new SimException("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?", raw: true);
            }
        }

        private sealed class Obj
        {
            public JsonObject Body = null!;
            public string Kind = "";
            public string Group = "";
            public string Name = "";
            public string Ns = "";
            public string File = "";
            public string Resource => Kind.ToLowerInvariant() + (Group.Length > 0 ? "." + Group : "");
            public string Plural => Pluralize(Kind.ToLowerInvariant()) + (Group.Length > 0 ? "." + Group : "");
        }

        private static string Pluralize(string k)
        {
            if (k.EndsWith("s", StringComparison.Ordinal)) return k + "es";
            if (k.EndsWith("y", StringComparison.Ordinal) && !k.EndsWith("ay", StringComparison.Ordinal)) return k.Substring(0, k.Length - 1) + "ies";
            return k + "s";
        }

        private static string ObjectPath(string ns, string resource, string name) =>
            Path.Combine(SimEnv.Home, "kube", ns.Length == 0 ? "_cluster" : ns, resource, name + ".yaml");

        private static List<Obj> ReadObjects(ParsedArgs p, string ns)
        {
            List<string> files = p.All("filename");
            if (files.Count == 0) throw new SimException("must specify one of -f and -k");
            var result = new List<Obj>();
            foreach (string f in files)
            {
                var paths = new List<string>();
                if (f == "-") paths.Add("-");
                else if (Directory.Exists(f))
                {
                    paths.AddRange(Directory.GetFiles(f, "*", p.Bool("recursive") ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
                        .Where(x => x.EndsWith(".yaml", StringComparison.Ordinal) || x.EndsWith(".yml", StringComparison.Ordinal) || x.EndsWith(".json", StringComparison.Ordinal))
                        .OrderBy(x => x, StringComparer.Ordinal));
                }
                else if (File.Exists(f)) paths.Add(f);
                else throw new SimException("the path \"" + f + "\" does not exist", raw: false);
                foreach (string path in paths)
                {
                    string text = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
                    List<JsonNode?> docs;
                    try { docs = Yaml.ParseAll(text); }
                    catch (FormatException e) { throw new SimException("error parsing " + path + ": error converting YAML to JSON: " + e.Message); }
                    foreach (JsonNode? d in docs)
                    {
                        if (d is not JsonObject o) continue;
                        if (o["kind"] is JsonValue kv && kv.GetValue<string>() == "List" && o["items"] is JsonArray items)
                        {
                            foreach (JsonNode? it in items) if (it is JsonObject io) result.Add(ToObj(io, path, ns, p.Has("namespace")));
                            continue;
                        }
                        result.Add(ToObj(o, path, ns, p.Has("namespace")));
                    }
                }
            }
            return result;
        }

        private static Obj ToObj(JsonObject o, string file, string ns, bool nsFlag)
        {
            string kind = o["kind"] is JsonValue k && k.TryGetValue(out string? ks) ? ks : "";
            string apiVersion = o["apiVersion"] is JsonValue a && a.TryGetValue(out string? av) ? av : "";
            if (kind.Length == 0 || apiVersion.Length == 0)
            {
                throw new SimException("error validating \"" + file + "\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false");
            }
            var meta = o["metadata"] as JsonObject;
            string name = meta?["name"] is JsonValue nv && nv.TryGetValue(out string? ns2) ? ns2 : "";
            if (name.Length == 0) throw new SimException("error when retrieving current configuration of: resource name may not be empty");
            string objNs = meta?["namespace"] is JsonValue nsv && nsv.TryGetValue(out string? nss) ? nss : "";
            if (ClusterScoped.Contains(kind)) objNs = "";
            else
            {
                if (objNs.Length > 0 && nsFlag && objNs != ns)
                {
                    throw new SimException("the namespace from the provided object \"" + objNs + "\" does not match the namespace \"" + ns + "\". You must pass '--namespace=" + objNs + "' to perform this operation.");
                }
                if (objNs.Length == 0) objNs = ns;
            }
            int slash = apiVersion.IndexOf('/');
            return new Obj { Body = o, Kind = kind, Group = slash > 0 ? apiVersion.Substring(0, slash) : "", Name = name, Ns = objNs, File = file };
        }

        private static int Apply(ParsedArgs p, string ns)
        {
            Delay("apply");
            CheckReachable();
            List<Obj> objs = ReadObjects(p, ns);
            bool dry = p.Has("dry-run") && p.Get("dry-run") != "none" && p.Get("dry-run") != "false";
            string suffix = dry ? (p.Get("dry-run") == "server" ? " (server dry run)" : " (dry run)") : "";
            int code = 0;
            foreach (Obj o in objs)
            {
                if (faults.Take(null, "fail_next_apply", "HELMSIM_FAIL_APPLY", o.Ns, Path.GetFileName(o.File), "", out string msg) ||
                    faults.Take(null, "fail_next_apply", "HELMSIM_FAIL_APPLY", "", o.File, "", out msg) ||
                    faults.Take(null, "fail_next_apply", "HELMSIM_FAIL_APPLY", "", o.Ns, "", out msg))
                {
                    if (msg.Length == 0) msg = "Internal error occurred: failed calling webhook";
                    stderr.Write(msg.StartsWith("error", StringComparison.OrdinalIgnoreCase) ? msg + "\n" : "Error from server (InternalError): error when applying \"" + o.File + "\": " + msg + "\n");
                    code = 1;
                    continue;
                }
                if (o.Ns.Length > 0 && faults.StrictNamespaces && !Store.NamespaceExists(o.Ns) && !objs.Any(x => x.Kind == "Namespace" && x.Name == o.Ns))
                {
                    stderr.Write("Error from server (NotFound): error when creating \"" + o.File + "\": namespaces \"" + o.Ns + "\" not found\n");
                    code = 1;
                    continue;
                }
                string path = ObjectPath(o.Ns, o.Resource, o.Name);
                string verb;
                using (FileLock.State())
                {
                    JsonObject body = (JsonObject)o.Body.DeepClone();
                    body.Remove("status");
                    if (body["metadata"] is JsonObject m && o.Ns.Length > 0) m["namespace"] = o.Ns;
                    if (File.Exists(path))
                    {
                        JsonNode? old = Yaml.Parse(File.ReadAllText(path));
                        verb = JsonNode.DeepEquals(old, Yaml.Parse(Yaml.Emit(body))) ? "unchanged" : "configured";
                    }
                    else
                    {
                        verb = "created";
                    }
                    if (!dry && verb != "unchanged")
                    {
                        SimEnv.WriteAtomic(path, Yaml.Emit(body));
                        if (o.Kind == "Namespace") Store.CreateNamespace(o.Name);
                    }
                }
                if (p.Bool("server-side") && verb != "unchanged") verb = "serverside-applied";
                stdout.Write(o.Resource + "/" + o.Name + " " + verb + suffix + "\n");
            }
            if (code != 0) throw new SimException("", exitCode: code);
            return 0;
        }

        private static int Delete(ParsedArgs p, string ns)
        {
            Delay("delete");
            CheckReachable();
            List<Obj> objs;
            if (p.Has("filename"))
            {
                objs = ReadObjects(p, ns);
            }
            else
            {
                if (p.Positionals.Count < 3) throw new SimException("resource(s) were provided, but no name was specified");
                var (kind, group) = ResolveKind(p.Positionals[1]);
                objs = p.Positionals.Skip(2).Select(n => new Obj { Kind = kind, Group = group, Name = n, Ns = ClusterScoped.Contains(kind) ? "" : ns, Body = new JsonObject() }).ToList();
            }
            int code = 0;
            foreach (Obj o in objs)
            {
                string path = ObjectPath(o.Ns, o.Resource, o.Name);
                bool existed;
                using (FileLock.State())
                {
                    existed = File.Exists(path);
                    if (existed) File.Delete(path);
                }
                if (existed)
                {
                    stdout.Write(o.Resource + " \"" + o.Name + "\" deleted\n");
                }
                else if (!p.Bool("ignore-not-found"))
                {
                    stderr.Write("Error from server (NotFound): " + o.Plural + " \"" + o.Name + "\" not found\n");
                    code = 1;
                }
            }
            if (code != 0) throw new SimException("", exitCode: code);
            return 0;
        }

        private static (string Kind, string Group) ResolveKind(string k)
        {
            string baseName = k;
            string group = "";
            int dot = k.IndexOf('.');
            if (dot > 0)
            {
                baseName = k.Substring(0, dot);
                group = k.Substring(dot + 1);
            }
            if (Aliases.TryGetValue(baseName, out var hit)) return (hit.Kind, group.Length > 0 ? group : hit.Group);
            string kind = char.ToUpperInvariant(baseName[0]) + baseName.Substring(1).TrimEnd('s');
            return (kind, group);
        }

        private static int Get(ParsedArgs p, string ns)
        {
            Delay("get");
            CheckReachable();
            if (p.Positionals.Count < 2) throw new SimException("You must specify the type of resource to get.");
            var (kind, group) = ResolveKind(p.Positionals[1]);
            var probe = new Obj { Kind = kind, Group = group };
            string objNs = ClusterScoped.Contains(kind) ? "" : ns;
            string dir = Path.Combine(SimEnv.Home, "kube", objNs.Length == 0 ? "_cluster" : objNs, probe.Resource);
            var names = p.Positionals.Count > 2 ? p.Positionals.Skip(2).ToList()
                : (Directory.Exists(dir) ? Directory.GetFiles(dir, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).OrderBy(x => x, StringComparer.Ordinal).ToList() : new List<string>());
            var found = new List<JsonObject>();
            foreach (string name in names)
            {
                string path = ObjectPath(objNs, probe.Resource, name);
                if (!File.Exists(path))
                {
                    if (p.Bool("ignore-not-found")) continue;
                    throw new SimException("Error from server (NotFound): " + probe.Plural + " \"" + name + "\" not found", raw: true);
                }
                found.Add((JsonObject)Yaml.Parse(File.ReadAllText(path))!);
            }
            string o = p.Get("output") ?? "";
            if (p.Positionals.Count > 2 && found.Count == 1 && (o == "yaml" || o == "json"))
            {
                if (o == "json") stdout.Write(found[0].ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
                else stdout.Write(Yaml.Emit(found[0]));
                return 0;
            }
            if (o == "yaml" || o == "json")
            {
                var list = new JsonObject { ["apiVersion"] = "v1", ["items"] = new JsonArray(found.Select(f => (JsonNode)f).ToArray()), ["kind"] = "List" };
                stdout.Write(o == "json" ? list.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n" : Yaml.Emit(list));
                return 0;
            }
            if (o == "name")
            {
                foreach (JsonObject f in found) stdout.Write(probe.Resource + "/" + f["metadata"]?["name"] + "\n");
                return 0;
            }
            if (found.Count == 0)
            {
                stderr.Write("No resources found in " + ns + " namespace.\n");
                return 0;
            }
            var rows = new List<string[]> { new[] { "NAME", "AGE" } };
            rows.AddRange(found.Select(f => new[] { f["metadata"]?["name"]?.ToString() ?? "", "1m" }));
            foreach (string[] r in rows) stdout.Write(r[0].PadRight(Math.Max(20, r[0].Length + 3)) + r[1] + "\n");
            return 0;
        }
    }
}
