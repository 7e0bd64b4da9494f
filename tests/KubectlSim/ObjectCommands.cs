using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HelmSim;

namespace KubectlSim
{
    /// <summary>kubectl apply, delete and get on the object files.</summary>
    public static partial class Program
    {
        private static int Apply(ParsedArgs p, string ns)
        {
            Delay("apply");
            CheckReachable();
            List<KubeObject> objs = ObjectStore.ReadManifests(p, ns);
            bool dry = p.Has("dry-run") && p.Get("dry-run") != "none" && p.Get("dry-run") != "false";
            string suffix = dry ? (p.Get("dry-run") == "server" ? " (server dry run)" : " (dry run)") : "";
            int code = 0;
            foreach (KubeObject o in objs)
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
                string path = ObjectStore.FilePath(o.Ns, o.Resource, o.Name);
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
            List<KubeObject> objs;
            if (p.Has("filename"))
            {
                objs = ObjectStore.ReadManifests(p, ns);
            }
            else
            {
                if (p.Positionals.Count < 3) throw new SimException("resource(s) were provided, but no name was specified");
                var (kind, group) = ObjectStore.ResolveKind(p.Positionals[1]);
                objs = p.Positionals.Skip(2).Select(n => new KubeObject { Kind = kind, Group = group, Name = n, Ns = ObjectStore.IsClusterScoped(kind) ? "" : ns, Body = new JsonObject() }).ToList();
            }
            int code = 0;
            foreach (KubeObject o in objs)
            {
                string path = ObjectStore.FilePath(o.Ns, o.Resource, o.Name);
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

        private static int Get(ParsedArgs p, string ns)
        {
            Delay("get");
            CheckReachable();
            if (p.Positionals.Count < 2) throw new SimException("You must specify the type of resource to get.");
            var (kind, group) = ObjectStore.ResolveKind(p.Positionals[1]);
            var probe = new KubeObject { Kind = kind, Group = group };
            string objNs = ObjectStore.IsClusterScoped(kind) ? "" : ns;
            string dir = ObjectStore.ResourceDir(objNs, probe.Resource);
            var names = p.Positionals.Count > 2 ? p.Positionals.Skip(2).ToList()
                : (Directory.Exists(dir) ? Directory.GetFiles(dir, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).OrderBy(x => x, StringComparer.Ordinal).ToList() : new List<string>());
            var found = new List<JsonObject>();
            foreach (string name in names)
            {
                string path = ObjectStore.FilePath(objNs, probe.Resource, name);
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
