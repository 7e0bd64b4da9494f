using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using SBKube.Core.Security;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>One revision with its values (seed: state show), secrets masked unless asked.</summary>
    public sealed class DeploymentDetail
    {
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public int Revision { get; set; }
        public string Status { get; set; } = "";
        public string? Chart { get; set; }
        /// <summary>When the revision was written in local time, as Get-Item's LastWriteTime; DeployedAtUtc is the same instant in UTC.</summary>
        public DateTime DeployedAt => DeployedAtUtc.ToLocalTime();
        public DateTime DeployedAtUtc { get; set; }
        public string? Description { get; set; }
        public string ReleaseName { get; set; } = "";
        public string? ChartRef { get; set; }
        public string? ChartVersion { get; set; }
        public int? HelmRevision { get; set; }
        public string Context { get; set; } = "";
        public string AppType { get; set; } = StoredAppType.Helm;
        /// <summary>Merged values as nested ordered dictionaries, in the snapshot's order.</summary>
        public OrderedDictionary Values { get; set; } = new OrderedDictionary();
        /// <summary>Manifest apps: the recorded manifest files.</summary>
        public string[] Manifests { get; set; } = Array.Empty<string>();
        /// <summary>Manifest apps: the Kubernetes objects of those files (Kind/name), when they can be read as such.</summary>
        public string[] Objects { get; set; } = Array.Empty<string>();
        internal JsonObject ValuesJson { get; set; } = new JsonObject();

        public static DeploymentDetail From(DeploymentRecord r, SecretRedactor redactor, bool showSecrets)
        {
            RevisionSnapshot s = RevisionSnapshot.FromJson(r.Config ?? "{}");
            JsonObject values = showSecrets ? s.Values : (JsonObject)redactor.Redact(s.Values, s.Rules)!;
            return new DeploymentDetail
            {
                Namespace = r.Namespace,
                App = r.App,
                Revision = r.Revision,
                Status = r.Status,
                Chart = r.Chart,
                DeployedAtUtc = r.DeployedAtUtc,
                Description = showSecrets ? r.Description : redactor.RedactText(r.Description),
                ReleaseName = r.ReleaseName,
                ChartRef = r.ChartRef,
                ChartVersion = r.ChartVersion,
                HelmRevision = r.HelmRevision,
                Context = r.Context,
                AppType = r.AppType,
                Values = (OrderedDictionary)JsonPlain.ToPlain(values)!,
                Manifests = s.Manifests.Select(m => m.File).ToArray(),
                Objects = ManifestComparer.TryObjects(s.Manifests, out IReadOnlyList<ManifestObject> objects)
                    ? objects.Select(o => o.Key).ToArray() : Array.Empty<string>(),
                ValuesJson = values,
            };
        }

        /// <summary>The seed's YAML shape: namespace, app, revision, status, chart, deployed_at, values.</summary>
        public string ToYaml() => YamlValues.ToYaml(Document()).TrimEnd('\n');

        /// <summary>The values alone as YAML (the list view shows them this way).</summary>
        public string ValuesToYaml() => YamlValues.ToYaml(ValuesJson).TrimEnd('\n');

        public string ToJson() => Document().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        private JsonObject Document()
        {
            var doc = new JsonObject
            {
                ["namespace"] = Namespace,
                ["app"] = App,
                ["revision"] = Revision,
                ["status"] = Status,
                ["chart"] = Chart,
                ["deployed_at"] = DeployedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ["values"] = ValuesJson.DeepClone(),
            };
            if (Objects.Length > 0)
            {
                doc["objects"] = new JsonArray(Objects.Select(o => (JsonNode)JsonValue.Create(o)!).ToArray());
            }
            return doc;
        }
    }

    /// <summary>JsonNode → plain .NET values (OrderedDictionary, object[], string, long, double, bool) for PowerShell.</summary>
    public static class JsonPlain
    {
        public static object? ToPlain(JsonNode? node)
        {
            switch (node)
            {
                case null:
                    return null;
                case JsonObject o:
                    var d = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (KeyValuePair<string, JsonNode?> kv in o)
                    {
                        d[kv.Key] = ToPlain(kv.Value);
                    }
                    return d;
                case JsonArray a:
                    return a.Select(ToPlain).ToArray();
                default:
                    return Scalar((JsonValue)node);
            }
        }

        private static object? Scalar(JsonValue v)
        {
            // Values built in code hold CLR values; parsed ones hold a JsonElement.
            if (v.TryGetValue(out JsonElement e))
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.String: return e.GetString();
                    case JsonValueKind.True: return true;
                    case JsonValueKind.False: return false;
                    case JsonValueKind.Number: return e.TryGetInt64(out long l) ? (object)l : e.GetDouble();
                    default: return null;
                }
            }
            if (v.TryGetValue(out string? s)) return s;
            if (v.TryGetValue(out bool b)) return b;
            if (v.TryGetValue(out long n)) return n;
            if (v.TryGetValue(out double d)) return d;
            return v.ToJsonString();
        }
    }
}
