using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SBKube.Core.Helm
{
    /// <summary>Parsers for Helm's JSON outputs (Helm 3 and 4 shapes; see shared/helm-golden).</summary>
    public static class HelmOutput
    {
        public static IReadOnlyList<HelmHistoryEntry> ParseHistory(string json)
        {
            var list = new List<HelmHistoryEntry>();
            foreach (JsonObject n in ParseObjects(json, "history"))
            {
                list.Add(new HelmHistoryEntry
                {
                    Revision = ToInt(n?["revision"]),
                    Updated = ToTime(n?["updated"]),
                    Status = Text(n?["status"]) ?? "",
                    Chart = Text(n?["chart"]) ?? "",
                    AppVersion = Text(n?["app_version"]),
                    Description = Text(n?["description"]),
                });
            }
            return list;
        }

        public static IReadOnlyList<HelmListEntry> ParseList(string json)
        {
            var list = new List<HelmListEntry>();
            foreach (JsonObject n in ParseObjects(json, "list"))
            {
                list.Add(new HelmListEntry
                {
                    Name = Text(n?["name"]) ?? "",
                    Namespace = Text(n?["namespace"]) ?? "",
                    Revision = ToInt(n?["revision"]),
                    Updated = Text(n?["updated"]),
                    Status = Text(n?["status"]) ?? "",
                    Chart = Text(n?["chart"]) ?? "",
                    AppVersion = Text(n?["app_version"]),
                });
            }
            return list;
        }

        /// <summary>The release object printed by <c>upgrade -o json</c> and <c>status -o json</c>.</summary>
        public static HelmRelease ParseRelease(string json)
        {
            JsonObject o = Parse(json) as JsonObject ?? throw Bad("release", json);
            JsonNode? info = o["info"];
            JsonNode? metadata = o["chart"]?["metadata"];
            return new HelmRelease
            {
                Name = Text(o["name"]) ?? "",
                Namespace = Text(o["namespace"]) ?? "",
                Version = ToInt(o["version"]),
                Status = Text(info?["status"]) ?? "",
                Description = Text(info?["description"]),
                LastDeployed = ToTime(info?["last_deployed"]),
                ChartName = Text(metadata?["name"]),
                ChartVersion = Text(metadata?["version"]),
                AppVersion = Text(metadata?["appVersion"]),
                Config = o["config"] as JsonObject,
            };
        }

        public static IReadOnlyList<HelmRepoEntry> ParseRepoList(string json)
        {
            var list = new List<HelmRepoEntry>();
            foreach (JsonObject n in ParseObjects(json, "repo list"))
            {
                list.Add(new HelmRepoEntry { Name = Text(n?["name"]) ?? "", Url = Text(n?["url"]) ?? "" });
            }
            return list;
        }

        /// <summary>Major version from <c>helm version --short</c> (<c>v3.21.4+g…</c>).</summary>
        public static int ParseMajorVersion(string versionShort)
        {
            string s = versionShort.Trim().TrimStart('v');
            int dot = s.IndexOf('.');
            if (dot > 0 && int.TryParse(s.Substring(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int major))
            {
                return major;
            }
            throw new FormatException($"Cannot read Helm's version from '{versionShort.Trim()}'; expected e.g. 'v3.21.4+g1234567'.");
        }

        private static JsonNode? Parse(string json)
        {
            try
            {
                // The first JSON value only: anything a wrapper or plugin prints after it is not Helm's answer.
                var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
                return JsonNode.Parse(ref reader);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new FormatException($"Helm printed JSON that cannot be read: {e.Message}", e);
            }
        }

        private static JsonArray ParseArray(string json, string what)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                return new JsonArray();
            }
            JsonNode? node = Parse(json);
            return node == null ? new JsonArray() : node as JsonArray ?? throw Bad(what, json);
        }

        /// <summary>An array whose items must be objects (e.g. not the bare names of <c>helm list -q -o json</c>).</summary>
        private static IEnumerable<JsonObject> ParseObjects(string json, string what)
        {
            var items = new List<JsonObject>();
            foreach (JsonNode? n in ParseArray(json, what))
            {
                items.Add(n as JsonObject ?? throw Bad(what, json));
            }
            return items;
        }

        private static FormatException Bad(string what, string json) =>
            new FormatException($"Unexpected Helm {what} output: {(json.Length > 200 ? json.Substring(0, 200) + "…" : json)}");

        private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue(out string? s) ? s : n?.ToString();

        private static int ToInt(JsonNode? n)
        {
            if (n is JsonValue v)
            {
                if (v.TryGetValue(out int i)) return i;
                if (v.TryGetValue(out string? s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out i)) return i;
            }
            return 0;
        }

        private static DateTime? ToTime(JsonNode? n)
        {
            string? s = Text(n);
            return !string.IsNullOrEmpty(s) && DateTime.TryParse(s, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime t)
                ? t
                : (DateTime?)null;
        }
    }
}
