using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeStandIn
{
    /// <summary>
    /// The three patch kinds clients send: JSON merge patch (RFC 7386), strategic merge patch (lists of
    /// objects merged by their key, the $patch / $setElementOrder / $deleteFromPrimitiveList directives) and
    /// the deep merge server-side apply does once ownership is settled (FieldOwners).
    /// </summary>
    internal static class Patches
    {
        // The keys Kubernetes merges lists by, as far as charts use them (containers, env, ports, volumes, ...).
        private static readonly string[] MergeKeys = { "name", "containerPort", "port", "mountPath", "devicePath", "ip", "topologyKey", "type" };

        public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
        {
            if (patch is not JsonObject p) return patch?.DeepClone();
            JsonObject result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> kv in p)
            {
                if (kv.Value == null) result.Remove(kv.Key);
                else result[kv.Key] = MergePatch(result[kv.Key], kv.Value);
            }
            return result;
        }

        public static JsonNode? StrategicMerge(JsonNode? target, JsonNode? patch)
        {
            if (patch is JsonArray patchList) return MergeList(target as JsonArray, patchList, deleteDirectives: true);
            if (patch is not JsonObject p) return patch?.DeepClone();
            if ((string?)p["$patch"] == "replace")
            {
                JsonObject replaced = (JsonObject)p.DeepClone();
                replaced.Remove("$patch");
                return replaced;
            }
            JsonObject result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> kv in p)
            {
                if (kv.Key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || kv.Key == "$retainKeys" || kv.Key == "$patch") continue;
                if (kv.Key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
                {
                    string field = kv.Key.Substring("$deleteFromPrimitiveList/".Length);
                    if (result[field] is JsonArray list && kv.Value is JsonArray remove)
                    {
                        var gone = remove.Select(r => r?.ToJsonString()).ToHashSet();
                        result[field] = new JsonArray(list.Where(e => !gone.Contains(e?.ToJsonString())).Select(e => e?.DeepClone()).ToArray());
                    }
                    continue;
                }
                if (kv.Value == null) result.Remove(kv.Key);
                else if (kv.Value is JsonArray list) result[kv.Key] = MergeList(result[kv.Key] as JsonArray, list, deleteDirectives: true);
                else result[kv.Key] = StrategicMerge(result[kv.Key], kv.Value);
            }
            return result;
        }

        /// <summary>Server-side apply's merge: maps deep, keyed lists by element, other lists replaced.</summary>
        public static JsonNode? ApplyMerge(JsonNode? target, JsonNode? applied)
        {
            if (applied is JsonArray list) return MergeList(target as JsonArray, list, deleteDirectives: false);
            if (applied is not JsonObject a) return applied?.DeepClone();
            JsonObject result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> kv in a) result[kv.Key] = ApplyMerge(result[kv.Key], kv.Value);
            return result;
        }

        private static JsonArray MergeList(JsonArray? target, JsonArray patch, bool deleteDirectives)
        {
            string? key = MergeKeyOf(patch);
            if (key == null || target == null) return StripDirectives((JsonArray)patch.DeepClone());
            var result = target.Select(e => e?.DeepClone()).ToList();
            foreach (JsonNode? element in patch)
            {
                if (element is not JsonObject pe) continue;
                string id = pe[key]!.ToJsonString();
                int at = result.FindIndex(e => e is JsonObject o && o[key]?.ToJsonString() == id);
                if (deleteDirectives && (string?)pe["$patch"] == "delete")
                {
                    if (at >= 0) result.RemoveAt(at);
                    continue;
                }
                JsonNode? merged = deleteDirectives ? StrategicMerge(at >= 0 ? result[at] : null, pe) : ApplyMerge(at >= 0 ? result[at] : null, pe);
                if (at >= 0) result[at] = merged;
                else result.Add(merged);
            }
            return new JsonArray(result.ToArray());
        }

        private static JsonArray StripDirectives(JsonArray list)
        {
            foreach (JsonNode? e in list) (e as JsonObject)?.Remove("$patch");
            return list;
        }

        public static string? MergeKeyOf(JsonArray list)
        {
            if (list.Count == 0 || list.Any(e => e is not JsonObject)) return null;
            return MergeKeys.FirstOrDefault(k => list.All(e => ((JsonObject)e!).ContainsKey(k)));
        }

        public static bool SameValue(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);
    }

    /// <summary>Who owns which leaf fields of one object (server-side apply's managedFields, kept as paths).</summary>
    internal sealed class FieldOwners
    {
        public sealed class Entry
        {
            public string Operation = "Update";
            public HashSet<string> Paths = new HashSet<string>(StringComparer.Ordinal);
            public DateTime Time = DateTime.UtcNow;
        }

        public Dictionary<string, Entry> Managers { get; } = new Dictionary<string, Entry>(StringComparer.Ordinal);

        /// <summary>A copy a dry run may change.</summary>
        public FieldOwners Clone()
        {
            var copy = new FieldOwners();
            foreach (KeyValuePair<string, Entry> m in Managers)
                copy.Managers[m.Key] = new Entry { Operation = m.Value.Operation, Paths = new HashSet<string>(m.Value.Paths, StringComparer.Ordinal), Time = m.Value.Time };
            return copy;
        }

        private static readonly HashSet<string> IdentityFields = new HashSet<string>(StringComparer.Ordinal)
        {
            "apiVersion", "kind", "metadata\nname", "metadata\nnamespace", "metadata\nuid", "metadata\nresourceVersion",
            "metadata\ngeneration", "metadata\ncreationTimestamp", "metadata\nmanagedFields", "metadata\ngenerateName",
        };

        /// <summary>The leaf paths of an object, segments joined by '\n'; a keyed list element is "[key=value]".</summary>
        public static HashSet<string> Leaves(JsonNode? node)
        {
            var paths = new HashSet<string>(StringComparer.Ordinal);
            Walk(node, "", paths);
            paths.RemoveWhere(p => IdentityFields.Contains(p) || p.StartsWith("status", StringComparison.Ordinal));
            return paths;
        }

        private static void Walk(JsonNode? node, string prefix, HashSet<string> paths)
        {
            if (node is JsonObject o && o.Count > 0)
            {
                foreach (KeyValuePair<string, JsonNode?> kv in o) Walk(kv.Value, Join(prefix, kv.Key), paths);
            }
            else if (node is JsonArray a && Patches.MergeKeyOf(a) is string key)
            {
                foreach (JsonNode? e in a) Walk(e, Join(prefix, $"[{key}={e![key]!.ToJsonString()}]"), paths);
            }
            else if (prefix.Length > 0)
            {
                paths.Add(prefix);
            }
        }

        private static string Join(string prefix, string segment) => prefix.Length == 0 ? segment : prefix + "\n" + segment;

        public static JsonNode? ValueAt(JsonNode? node, string path)
        {
            foreach (string segment in path.Split('\n'))
            {
                node = Step(node, segment);
                if (node == null) return null;
            }
            return node;
        }

        public static void RemoveAt(JsonNode? root, string path)
        {
            string[] segments = path.Split('\n');
            JsonNode? parent = root;
            for (int i = 0; i < segments.Length - 1 && parent != null; i++) parent = Step(parent, segments[i]);
            string last = segments[^1];
            if (parent is JsonObject o) o.Remove(last);
            else if (parent is JsonArray a && Step(a, last) is JsonNode element) a.Remove(element);
        }

        private static JsonNode? Step(JsonNode? node, string segment)
        {
            if (segment.StartsWith('[') && node is JsonArray a)
            {
                int eq = segment.IndexOf('=');
                string key = segment.Substring(1, eq - 1), value = segment.Substring(eq + 1, segment.Length - eq - 2);
                return a.FirstOrDefault(e => e is JsonObject o && o[key]?.ToJsonString() == value);
            }
            return node is JsonObject obj ? obj[segment] : null;
        }

        /// <summary>A path as the API server names it in a conflict: .spec.template.spec.containers[name="web"].image</summary>
        public static string Display(string path) =>
            string.Concat(path.Split('\n').Select(s => s.StartsWith('[') ? s : "." + s));

        /// <summary>managedFields as the API server shows them (FieldsV1: f:field, k:{key} nesting).</summary>
        public JsonArray ToManagedFields(string apiVersion)
        {
            var list = new JsonArray();
            foreach (KeyValuePair<string, Entry> m in Managers.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                if (m.Value.Paths.Count == 0) continue;
                var fields = new JsonObject();
                foreach (string path in m.Value.Paths)
                {
                    JsonObject at = fields;
                    foreach (string segment in path.Split('\n'))
                    {
                        string name = segment.StartsWith('[') ? "k:" + KeyObject(segment) : "f:" + segment;
                        if (at[name] is not JsonObject next) at[name] = next = new JsonObject();
                        at = next;
                    }
                }
                list.Add(new JsonObject
                {
                    ["manager"] = m.Key,
                    ["operation"] = m.Value.Operation,
                    ["apiVersion"] = apiVersion,
                    ["time"] = m.Value.Time.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                    ["fieldsType"] = "FieldsV1",
                    ["fieldsV1"] = fields,
                });
            }
            return list;
        }

        private static string KeyObject(string segment)
        {
            int eq = segment.IndexOf('=');
            string key = segment.Substring(1, eq - 1), value = segment.Substring(eq + 1, segment.Length - eq - 2);
            return new JsonObject { [key] = JsonNode.Parse(value) }.ToJsonString();
        }

        /// <summary>A create, update or patch by <paramref name="manager"/>: it takes the fields it changed from everyone.</summary>
        public void RecordUpdate(string manager, JsonNode? before, JsonNode after)
        {
            HashSet<string> now = Leaves(after);
            HashSet<string> changed = now.Where(p => !Patches.SameValue(before == null ? null : ValueAt(before, p), ValueAt(after, p))).ToHashSet();
            foreach (Entry e in Managers.Values)
            {
                e.Paths.ExceptWith(changed);
                e.Paths.IntersectWith(now);
            }
            if (!Managers.TryGetValue(manager, out Entry? mine)) Managers[manager] = mine = new Entry();
            if (mine.Operation == "Apply" && changed.Count == 0) return;
            if (mine.Operation != "Apply") mine.Operation = "Update";
            mine.Paths.UnionWith(changed);
            mine.Time = DateTime.UtcNow;
            Managers.Where(m => m.Value.Paths.Count == 0 && m.Key != manager).Select(m => m.Key).ToList().ForEach(k => Managers.Remove(k));
        }

        /// <summary>
        /// Server-side apply of <paramref name="applied"/> by <paramref name="manager"/> onto <paramref name="live"/>:
        /// the conflicts (fields another manager owns with another value), or the merged object.
        /// </summary>
        public (JsonObject? Result, List<(string Manager, string Path)> Conflicts) Apply(string manager, JsonObject? live, JsonObject applied, bool force)
        {
            HashSet<string> wanted = Leaves(applied);
            var conflicts = new List<(string, string)>();
            if (live != null && !force)
            {
                foreach (KeyValuePair<string, Entry> other in Managers.Where(m => m.Key != manager))
                {
                    foreach (string p in other.Value.Paths.Where(wanted.Contains).OrderBy(p => p, StringComparer.Ordinal))
                    {
                        if (!Patches.SameValue(ValueAt(live, p), ValueAt(applied, p))) conflicts.Add((other.Key, p));
                    }
                }
            }
            if (conflicts.Count > 0) return (null, conflicts);

            JsonObject result = live == null ? new JsonObject() : (JsonObject)live.DeepClone();
            if (Managers.TryGetValue(manager, out Entry? mine))
            {
                // Fields this manager applied before and no longer applies are removed, unless someone else owns them too.
                foreach (string dropped in mine.Paths.Where(p => !wanted.Contains(p)).ToList())
                {
                    if (!Managers.Any(m => m.Key != manager && m.Value.Paths.Contains(dropped))) RemoveAt(result, dropped);
                }
            }
            result = (JsonObject)Patches.ApplyMerge(result, applied)!;
            if (force)
            {
                foreach (Entry e in Managers.Values) e.Paths.ExceptWith(wanted);
            }
            Managers[manager] = new Entry { Operation = "Apply", Paths = wanted };
            Managers.Where(m => m.Value.Paths.Count == 0 && m.Key != manager).Select(m => m.Key).ToList().ForEach(k => Managers.Remove(k));
            return (result, conflicts);
        }
    }
}
