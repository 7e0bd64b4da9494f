using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using HelmSim;

namespace KubectlSim
{
    /// <summary>How kubectl objects map to files under HOME/kube, and how manifests and resource names become objects.</summary>
    internal static class ObjectStore
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

        public static bool IsClusterScoped(string kind) => ClusterScoped.Contains(kind);

        /// <summary>The folder of one resource type in a namespace; cluster-scoped objects live under "_cluster".</summary>
        public static string ResourceDir(string ns, string resource) =>
            Path.Combine(SimEnv.Home, "kube", ns.Length == 0 ? "_cluster" : ns, resource);

        public static string FilePath(string ns, string resource, string name) => Path.Combine(ResourceDir(ns, resource), name + ".yaml");

        public static (string Kind, string Group) ResolveKind(string k)
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

        public static List<KubeObject> ReadManifests(ParsedArgs p, string ns)
        {
            List<string> files = p.All("filename");
            if (files.Count == 0) throw new SimException("must specify one of -f and -k");
            var result = new List<KubeObject>();
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
                            foreach (JsonNode? it in items) if (it is JsonObject io) result.Add(ToObject(io, path, ns, p.Has("namespace")));
                            continue;
                        }
                        result.Add(ToObject(o, path, ns, p.Has("namespace")));
                    }
                }
            }
            return result;
        }

        private static KubeObject ToObject(JsonObject o, string file, string ns, bool nsFlag)
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
            if (IsClusterScoped(kind)) objNs = "";
            else
            {
                if (objNs.Length > 0 && nsFlag && objNs != ns)
                {
                    throw new SimException("the namespace from the provided object \"" + objNs + "\" does not match the namespace \"" + ns + "\". You must pass '--namespace=" + objNs + "' to perform this operation.");
                }
                if (objNs.Length == 0) objNs = ns;
            }
            int slash = apiVersion.IndexOf('/');
            return new KubeObject { Body = o, Kind = kind, Group = slash > 0 ? apiVersion.Substring(0, slash) : "", Name = name, Ns = objNs, File = file };
        }
    }
}
