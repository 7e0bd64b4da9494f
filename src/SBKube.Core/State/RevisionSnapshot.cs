using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SBKube.Core.Helm;
using SBKube.Core.Security;

namespace SBKube.Core.State
{
    /// <summary>
    /// Everything needed to redeploy a revision without the original files; stored as JSON in
    /// deployments.config. Its hash decides whether an apply changes anything.
    /// </summary>
    public sealed class RevisionSnapshot
    {
        public string AppType { get; set; } = StoredAppType.Helm;
        /// <summary><see cref="AppType"/> as the type engines dispatch on.</summary>
        internal Config.AppType Kind => StoredAppType.Parse(AppType);
        public string ReleaseName { get; set; } = "";
        public string Namespace { get; set; } = "";
        public string? ChartRef { get; set; }
        public string? ChartName { get; set; }
        public string? ChartVersion { get; set; }
        /// <summary>A local chart's folder on this machine (what helm is given); null for a repository or OCI chart.</summary>
        public string? ChartPath { get; set; }
        /// <summary>A local chart's SHA-256 over its files, so a template change is a change to deploy.</summary>
        public string? ChartDigest { get; set; }
        /// <summary>How the chart's registry is reached (plain HTTP, TLS files); null for the defaults.</summary>
        public ChartAccess? ChartAccess { get; set; }
        public JsonObject Values { get; set; } = new JsonObject();
        public bool Wait { get; set; }
        public string? Timeout { get; set; }
        public bool Atomic { get; set; }
        public bool CreateNamespace { get; set; } = true;
        public int? HistoryMax { get; set; }
        /// <summary>How Helm applies the objects and waits for them beyond wait/timeout/atomic.</summary>
        public HelmApplyOptions Apply { get; set; } = new HelmApplyOptions();
        /// <summary>Apps (same namespace) this one depends on, so a delete from state can order itself.</summary>
        public List<string> DependsOn { get; set; } = new List<string>();
        /// <summary>Values paths the app says are secret (config.yaml <c>sensitive:</c>).</summary>
        public List<string> Sensitive { get; set; } = new List<string>();
        /// <summary>Values paths the app says are not secret (config.yaml <c>not_sensitive:</c>).</summary>
        public List<string> NotSensitive { get; set; } = new List<string>();
        /// <summary>Manifest apps: file name → content.</summary>
        public List<ManifestFile> Manifests { get; set; } = new List<ManifestFile>();

        public JsonObject ToJson()
        {
            var o = new JsonObject
            {
                ["app_type"] = AppType,
                ["release_name"] = ReleaseName,
                ["namespace"] = Namespace,
                ["chart_ref"] = ChartRef,
                ["chart_name"] = ChartName,
                ["chart_version"] = ChartVersion,
                ["values"] = Values.DeepClone(),
                ["flags"] = new JsonObject
                {
                    ["wait"] = Wait,
                    ["timeout"] = Timeout,
                    ["atomic"] = Atomic,
                    ["create_namespace"] = CreateNamespace,
                    ["history_max"] = HistoryMax,
                },
                ["depends_on"] = new JsonArray(DependsOn.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            };
            Apply.WriteTo((JsonObject)o["flags"]!);
            // Written only when set, so the snapshots (and hashes) of apps without them stay as they were.
            if (Sensitive.Count > 0)
            {
                o["sensitive"] = new JsonArray(Sensitive.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
            }
            if (NotSensitive.Count > 0)
            {
                o["not_sensitive"] = new JsonArray(NotSensitive.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
            }
            if (ChartAccess != null && !ChartAccess.IsEmpty)
            {
                o["chart_access"] = ChartAccess.ToJson();
            }
            if (ChartPath != null)
            {
                o["chart_path"] = ChartPath;
                o["chart_digest"] = ChartDigest;
            }
            if (Manifests.Count > 0)
            {
                var list = new JsonArray();
                foreach (ManifestFile m in Manifests)
                {
                    list.Add(new JsonObject { ["file"] = m.File, ["content"] = m.Content });
                }
                o["manifests"] = list;
            }
            return o;
        }

        public string ToJsonString() => ToJson().ToJsonString();

        public static RevisionSnapshot FromJson(string json)
        {
            JsonObject o = JsonNode.Parse(json) as JsonObject
                ?? throw new FormatException("The revision snapshot is not a JSON object.");
            JsonObject flags = o["flags"] as JsonObject ?? new JsonObject();
            var s = new RevisionSnapshot
            {
                AppType = (string?)o["app_type"] ?? StoredAppType.Helm,
                ReleaseName = (string?)o["release_name"] ?? "",
                Namespace = (string?)o["namespace"] ?? "",
                ChartRef = (string?)o["chart_ref"],
                ChartName = (string?)o["chart_name"],
                ChartVersion = (string?)o["chart_version"],
                ChartAccess = ChartAccess.FromJson(o["chart_access"]),
                ChartPath = (string?)o["chart_path"],
                ChartDigest = (string?)o["chart_digest"],
                Values = (o["values"] as JsonObject)?.DeepClone() as JsonObject ?? new JsonObject(),
                Wait = (bool?)flags["wait"] ?? false,
                Timeout = (string?)flags["timeout"],
                Atomic = (bool?)flags["atomic"] ?? false,
                CreateNamespace = (bool?)flags["create_namespace"] ?? true,
                HistoryMax = (int?)flags["history_max"],
                Apply = HelmApplyOptions.ReadFrom(flags),
            };
            if (o["depends_on"] is JsonArray dependsOn)
            {
                s.DependsOn.AddRange(dependsOn.Select(d => (string?)d).Where(d => d != null)!);
            }
            foreach ((string key, List<string> list) in new[] { ("sensitive", s.Sensitive), ("not_sensitive", s.NotSensitive) })
            {
                if (o[key] is JsonArray paths)
                {
                    list.AddRange(paths.Select(p => (string?)p).Where(p => p != null)!);
                }
            }
            if (o["manifests"] is JsonArray manifests)
            {
                foreach (JsonNode? m in manifests)
                {
                    s.Manifests.Add(new ManifestFile((string?)m?["file"] ?? "", (string?)m?["content"] ?? ""));
                }
            }
            return s;
        }

        /// <summary>
        /// Why this snapshot cannot be the one of a revision with these columns (another namespace, release,
        /// app type or chart), or null when it agrees. A snapshot that disagreed with its row would have a
        /// rollback or delete act on a release the row does not name (a crafted import).
        /// </summary>
        public string? DisagreesWith(string ns, string? releaseName, string? appType, string? chartRef)
        {
            if (Namespace != ns) return $"its snapshot is for namespace '{Namespace}', not '{ns}'";
            if (!string.IsNullOrEmpty(releaseName) && ReleaseName != releaseName) return $"its snapshot is for release '{ReleaseName}', not '{releaseName}'";
            if (AppType != (appType ?? StoredAppType.Helm)) return $"its snapshot is a {AppType} app, not {appType ?? StoredAppType.Helm}";
            if (chartRef != null && ChartRef != chartRef) return $"its snapshot deploys chart '{ChartRef}', not '{chartRef}'";
            return null;
        }

        /// <summary>The app's corrections to the secret rules, for masking this snapshot's values.</summary>
        public SensitivityRules Rules => Sensitive.Count == 0 && NotSensitive.Count == 0 ? SensitivityRules.None : new SensitivityRules(Sensitive, NotSensitive);

        /// <summary>
        /// SHA-256 over the snapshot with map keys sorted, so reordering a values file is no change. What is
        /// masked, and how the chart's registry is reached, are not part of it: changing only those deploys nothing.
        /// </summary>
        public string ComputeHash()
        {
            var sb = new StringBuilder();
            JsonObject deployed = ToJson();
            deployed.Remove("sensitive");
            deployed.Remove("not_sensitive");
            // How the registry is reached, and where a local chart sits on this machine, are not what is deployed.
            deployed.Remove("chart_access");
            deployed.Remove("chart_path");
            AppendCanonical(deployed, sb);
            using SHA256 sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(sb.ToString()));
            return string.Concat(hash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        private static void AppendCanonical(JsonNode? node, StringBuilder sb)
        {
            switch (node)
            {
                case JsonObject obj:
                    sb.Append('{');
                    bool first = true;
                    foreach (KeyValuePair<string, JsonNode?> kv in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        sb.Append(JsonSerializer.Serialize(kv.Key)).Append(':');
                        AppendCanonical(kv.Value, sb);
                    }
                    sb.Append('}');
                    break;
                case JsonArray arr:
                    sb.Append('[');
                    for (int i = 0; i < arr.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        AppendCanonical(arr[i], sb);
                    }
                    sb.Append(']');
                    break;
                case null:
                    sb.Append("null");
                    break;
                default:
                    sb.Append(node.ToJsonString());
                    break;
            }
        }
    }

    public sealed class ManifestFile
    {
        public ManifestFile(string file, string content)
        {
            File = file;
            Content = content;
        }

        public string File { get; }
        public string Content { get; }
    }
}
