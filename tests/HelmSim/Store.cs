using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelmSim
{
    public sealed class ChartInfo
    {
        public string Name { get; set; } = "";
        public string Version { get; set; } = "";
        public string AppVersion { get; set; } = "";
        public string Description { get; set; } = "";
        public string ApiVersion { get; set; } = "v2";
        public string Type { get; set; } = "application";
        /// <summary>How the chart was referenced (bitnami/redis, oci://..., ./path).</summary>
        public string Ref { get; set; } = "";
        public JsonObject Values { get; set; } = new JsonObject();
        /// <summary>Template file name -> raw text.</summary>
        public SortedDictionary<string, string> Templates { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
        public string NotesTemplate { get; set; } = "";

        public string FullName => Name + "-" + Version;

        public JsonObject ToStored()
        {
            var t = new JsonObject();
            foreach (var kv in Templates) t[kv.Key] = kv.Value;
            return new JsonObject
            {
                ["name"] = Name,
                ["version"] = Version,
                ["appVersion"] = AppVersion,
                ["description"] = Description,
                ["apiVersion"] = ApiVersion,
                ["type"] = Type,
                ["ref"] = Ref,
                ["values"] = Values.DeepClone(),
                ["templates"] = t,
                ["notes"] = NotesTemplate,
            };
        }

        public static ChartInfo FromStored(JsonObject o)
        {
            var c = new ChartInfo
            {
                Name = Str(o, "name"),
                Version = Str(o, "version"),
                AppVersion = Str(o, "appVersion"),
                Description = Str(o, "description"),
                ApiVersion = Str(o, "apiVersion"),
                Type = Str(o, "type"),
                Ref = Str(o, "ref"),
                Values = o["values"] is JsonObject v ? (JsonObject)v.DeepClone() : new JsonObject(),
                NotesTemplate = Str(o, "notes"),
            };
            if (o["templates"] is JsonObject t)
            {
                foreach (var kv in t) c.Templates[kv.Key] = kv.Value?.GetValue<string>() ?? "";
            }
            return c;
        }

        internal static string Str(JsonObject o, string key) =>
            o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : "";
    }

    public sealed class Release
    {
        public string Name { get; set; } = "";
        public string Namespace { get; set; } = "default";
        public int Version { get; set; }
        public string Status { get; set; } = "";
        public DateTime FirstDeployed { get; set; }
        public DateTime LastDeployed { get; set; }
        public DateTime Deleted { get; set; }
        public string Description { get; set; } = "";
        public string Notes { get; set; } = "";
        public ChartInfo Chart { get; set; } = new ChartInfo();
        /// <summary>User-supplied values; null when none.</summary>
        public JsonObject? Config { get; set; }
        public string Manifest { get; set; } = "";

        public bool IsPending => Status == "pending-install" || Status == "pending-upgrade" || Status == "pending-rollback";

        public Release Clone() => FromStored(ToStored());

        private static string T(DateTime t) => t == default ? "" : t.ToString("o", CultureInfo.InvariantCulture);

        private static DateTime PT(JsonObject o, string key)
        {
            string s = ChartInfo.Str(o, key);
            if (s.Length == 0) return default;
            return DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime();
        }

        public JsonObject ToStored() => new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = Namespace,
            ["version"] = Version,
            ["status"] = Status,
            ["first_deployed"] = T(FirstDeployed),
            ["last_deployed"] = T(LastDeployed),
            ["deleted"] = T(Deleted),
            ["description"] = Description,
            ["notes"] = Notes,
            ["chart"] = Chart.ToStored(),
            ["config"] = Config?.DeepClone(),
            ["manifest"] = Manifest,
        };

        public static Release FromStored(JsonObject o) => new Release
        {
            Name = ChartInfo.Str(o, "name"),
            Namespace = ChartInfo.Str(o, "namespace"),
            Version = o["version"]!.GetValue<int>(),
            Status = ChartInfo.Str(o, "status"),
            FirstDeployed = PT(o, "first_deployed"),
            LastDeployed = PT(o, "last_deployed"),
            Deleted = PT(o, "deleted"),
            Description = ChartInfo.Str(o, "description"),
            Notes = ChartInfo.Str(o, "notes"),
            Chart = o["chart"] is JsonObject c ? ChartInfo.FromStored(c) : new ChartInfo(),
            Config = o["config"] is JsonObject cfg && cfg.Count > 0 ? (JsonObject)cfg.DeepClone() : null,
            Manifest = ChartInfo.Str(o, "manifest"),
        };
    }

    /// <summary>"Cluster" state: $HELMSIM_HOME/releases/&lt;ns&gt;/&lt;name&gt;/&lt;rev&gt;.json.</summary>
    public static class Store
    {
        private static readonly string[] BuiltinNamespaces = { "default", "kube-system", "kube-public", "kube-node-lease" };

        public static string ReleasesRoot => Path.Combine(SimEnv.Home, "releases");

        private static string Dir(string ns, string name) => Path.Combine(ReleasesRoot, ns, name);

        public static List<Release> History(string ns, string name)
        {
            var list = new List<Release>();
            string dir = Dir(ns, name);
            if (!Directory.Exists(dir)) return list;
            foreach (string f in Directory.GetFiles(dir, "*.json"))
            {
                if (!int.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out _)) continue;
                try
                {
                    if (JsonNode.Parse(File.ReadAllText(f)) is JsonObject o) list.Add(Release.FromStored(o));
                }
                catch (Exception e) when (e is IOException || e is JsonException)
                {
                    // a file being replaced concurrently; skip
                }
            }
            list.Sort((a, b) => a.Version.CompareTo(b.Version));
            return list;
        }

        public static void Save(Release r)
        {
            SimEnv.WriteAtomic(Path.Combine(Dir(r.Namespace, r.Name), r.Version.ToString(CultureInfo.InvariantCulture) + ".json"), SimEnv.ToJson(r.ToStored()));
        }

        public static void Delete(Release r)
        {
            string f = Path.Combine(Dir(r.Namespace, r.Name), r.Version.ToString(CultureInfo.InvariantCulture) + ".json");
            if (File.Exists(f)) File.Delete(f);
        }

        public static void DeleteAll(string ns, string name)
        {
            string dir = Dir(ns, name);
            if (Directory.Exists(dir))
            {
                foreach (string f in Directory.GetFiles(dir, "*.json")) File.Delete(f);
            }
        }

        /// <summary>All (namespace, name) pairs that have at least one revision.</summary>
        public static List<(string Ns, string Name)> Releases(string? ns)
        {
            var result = new List<(string, string)>();
            if (!Directory.Exists(ReleasesRoot)) return result;
            IEnumerable<string> nsDirs = ns == null ? Directory.GetDirectories(ReleasesRoot) : new[] { Path.Combine(ReleasesRoot, ns) };
            foreach (string nsDir in nsDirs)
            {
                if (!Directory.Exists(nsDir)) continue;
                foreach (string relDir in Directory.GetDirectories(nsDir))
                {
                    if (Directory.GetFiles(relDir, "*.json").Length > 0)
                    {
                        result.Add((Path.GetFileName(nsDir), Path.GetFileName(relDir)));
                    }
                }
            }
            return result;
        }

        public static bool NamespaceExists(string ns)
        {
            if (Array.IndexOf(BuiltinNamespaces, ns) >= 0) return true;
            if (File.Exists(Path.Combine(SimEnv.Home, "namespaces", ns))) return true;
            if (Directory.Exists(Path.Combine(ReleasesRoot, ns)) && Directory.GetDirectories(Path.Combine(ReleasesRoot, ns)).Length > 0) return true;
            return false;
        }

        public static void CreateNamespace(string ns)
        {
            string dir = Path.Combine(SimEnv.Home, "namespaces");
            Directory.CreateDirectory(dir);
            string f = Path.Combine(dir, ns);
            if (!File.Exists(f)) File.WriteAllText(f, SimEnv.Now().ToString("o", CultureInfo.InvariantCulture));
        }

        /// <summary>Helm's removeLeastRecent: keep at most max revisions (never delete the latest deployed).</summary>
        public static void Prune(string ns, string name, int max)
        {
            if (max < 0) return;
            List<Release> h = History(ns, name);
            if (h.Count <= max) return;
            Release? lastDeployed = h.LastOrDefault(r => r.Status == "deployed");
            var toDelete = new List<Release>();
            foreach (Release r in h)
            {
                if (h.Count - toDelete.Count == max) break;
                if (lastDeployed != null && r.Version == lastDeployed.Version) continue;
                toDelete.Add(r);
            }
            foreach (Release r in toDelete) Delete(r);
        }
    }
}
