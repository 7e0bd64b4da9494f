using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using SBKube.Core.Security;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>One Kubernetes object of a manifest app's revision.</summary>
    public sealed class ManifestObject
    {
        internal ManifestObject(string key, string file, JsonNode body)
        {
            Key = key;
            File = file;
            Body = body;
        }

        /// <summary><c>Kind/name</c>, or <c>Kind/namespace/name</c> when the object names its namespace.</summary>
        public string Key { get; }
        public string File { get; }
        internal JsonNode Body { get; }

        public override string ToString() => Key;
    }

    /// <summary>
    /// Compares the manifests of two revisions per Kubernetes object and field, as kubectl diff and
    /// Argo CD show a change: objects added or removed, and field paths such as
    /// <c>Deployment/frontend spec.replicas</c> with their old and new values. The values of a Secret's
    /// data and stringData, and secret-looking keys, are shown masked.
    /// </summary>
    public static class ManifestComparer
    {
        public const string Present = "present";
        public const string Absent = "absent";

        /// <summary>
        /// The objects of a revision's manifests; false when one of them is not YAML made of objects
        /// with a kind and a name (then the manifests can only be compared as text).
        /// </summary>
        public static bool TryObjects(IEnumerable<ManifestFile> manifests, out IReadOnlyList<ManifestObject> objects)
        {
            var list = new List<ManifestObject>();
            objects = list;
            foreach (ManifestFile m in manifests)
            {
                YamlParseResult parsed;
                try
                {
                    parsed = YamlTree.Parse(m.Content, m.File, YamlLimits.Values);
                }
                catch (ConfigException)
                {
                    return false;
                }
                if (parsed.Issues.Count > 0)
                {
                    return false;
                }
                foreach (JsonNode? doc in parsed.Documents.Select(YamlScalars.ToJson))
                {
                    if (doc == null)
                    {
                        continue;
                    }
                    if (!(doc is JsonObject o) || !(o["kind"] is JsonValue kind) || !(o["metadata"]?["name"] is JsonValue name))
                    {
                        return false;
                    }
                    string ns = o["metadata"]?["namespace"] is JsonValue n ? n.ToString() + "/" : "";
                    list.Add(new ManifestObject($"{kind}/{ns}{name}", m.File, o));
                }
            }
            return list.Select(o => o.Key).Distinct(StringComparer.Ordinal).Count() == list.Count;
        }

        /// <summary>Reports each difference as (path, reference, difference, sensitive); false when they cannot be read as objects.</summary>
        public static bool TryCompare(IEnumerable<ManifestFile> reference, IEnumerable<ManifestFile> difference, SecretRedactor redactor,
            bool showSecrets, Action<string, JsonNode?, JsonNode?, bool> add)
        {
            if (!TryObjects(reference, out IReadOnlyList<ManifestObject> a) || !TryObjects(difference, out IReadOnlyList<ManifestObject> b))
            {
                return false;
            }
            Dictionary<string, ManifestObject> byKeyA = a.ToDictionary(o => o.Key, StringComparer.Ordinal);
            Dictionary<string, ManifestObject> byKeyB = b.ToDictionary(o => o.Key, StringComparer.Ordinal);
            foreach (string key in a.Select(o => o.Key).Concat(b.Select(o => o.Key).Where(k => !byKeyA.ContainsKey(k))))
            {
                if (!byKeyA.TryGetValue(key, out ManifestObject? x))
                {
                    add(key, Absent, Present, false);
                    continue;
                }
                if (!byKeyB.TryGetValue(key, out ManifestObject? y))
                {
                    add(key, Present, Absent, false);
                    continue;
                }
                JsonNode? shownX = Masked(x.Body, redactor), shownY = Masked(y.Body, redactor);
                RevisionComparer.Walk("", x.Body, y.Body, shownX, shownY, (path, va, vb, sa, sb) =>
                    add(key + " " + path, showSecrets ? va : sa, showSecrets ? vb : sb, !JsonNode.DeepEquals(va, sa) || !JsonNode.DeepEquals(vb, sb)));
            }
            return true;
        }

        /// <summary>
        /// The object as it may be shown: secret-looking keys masked, and every value of a Secret's data and
        /// stringData, also of the Secrets inside a List's items (at any depth).
        /// </summary>
        private static JsonNode? Masked(JsonNode body, SecretRedactor redactor)
        {
            JsonNode? shown = redactor.Redact(body);
            MaskSecretData(shown, redactor);
            return shown;
        }

        private static void MaskSecretData(JsonNode? shown, SecretRedactor redactor)
        {
            if (shown is JsonObject list && list["items"] is JsonArray items)
            {
                foreach (JsonNode? item in items)
                {
                    MaskSecretData(item, redactor);
                }
            }
            if (shown is JsonObject o && o["kind"] is JsonValue kind && kind.ToString() == "Secret")
            {
                foreach (string section in new[] { "data", "stringData" })
                {
                    if (o[section] is JsonObject entries)
                    {
                        foreach (string name in entries.Select(e => e.Key).ToList())
                        {
                            string value = entries[name] is JsonValue v ? v.ToString() : "";
                            redactor.LearnValue(value);
                            entries[name] = value.Length == 0 ? JsonValue.Create(value) : JsonValue.Create(redactor.Masked(value));
                        }
                    }
                }
            }
        }
    }
}
