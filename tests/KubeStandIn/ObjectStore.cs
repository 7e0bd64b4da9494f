using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace KubeStandIn
{
    internal sealed record StoredKey(string Group, string Plural, string Namespace, string Name);

    internal sealed record WatchEvent(long ResourceVersion, string Type, StoredKey Key, JsonObject Object);

    /// <summary>
    /// Every object of the stand-in cluster, one resourceVersion counter for all of them, and the event log
    /// watches read. One lock: the server is small and its callers are a handful of helm processes.
    /// </summary>
    internal sealed class ObjectStore
    {
        private readonly object _gate = new object();
        private readonly Dictionary<StoredKey, JsonObject> _objects = new Dictionary<StoredKey, JsonObject>();
        private readonly Dictionary<StoredKey, FieldOwners> _owners = new Dictionary<StoredKey, FieldOwners>();
        private readonly List<WatchEvent> _events = new List<WatchEvent>();
        private TaskCompletionSource _changed = NewSignal();
        private long _resourceVersion = 100;

        private static TaskCompletionSource NewSignal() => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public long CurrentVersion
        {
            get { lock (_gate) return _resourceVersion; }
        }

        /// <summary>Runs <paramref name="change"/> under the store's lock, so a read-modify-write is atomic.</summary>
        public T Locked<T>(Func<T> change)
        {
            lock (_gate) return change();
        }

        public JsonObject? Get(StoredKey key)
        {
            lock (_gate) return _objects.TryGetValue(key, out JsonObject? o) ? (JsonObject)o.DeepClone() : null;
        }

        public FieldOwners OwnersOf(StoredKey key)
        {
            lock (_gate)
            {
                if (!_owners.TryGetValue(key, out FieldOwners? owners)) _owners[key] = owners = new FieldOwners();
                return owners;
            }
        }

        public List<(StoredKey Key, JsonObject Object)> List(string group, string plural, string? ns)
        {
            lock (_gate)
            {
                return _objects.Where(p => p.Key.Group == group && p.Key.Plural == plural && (ns == null || p.Key.Namespace == ns))
                    .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                    .Select(p => (p.Key, (JsonObject)p.Value.DeepClone())).ToList();
            }
        }

        /// <summary>Stores a new or changed object with the next resourceVersion and records the event.</summary>
        public JsonObject Put(StoredKey key, JsonObject obj, bool created)
        {
            lock (_gate)
            {
                long rv = ++_resourceVersion;
                Meta(obj)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                _objects[key] = (JsonObject)obj.DeepClone();
                Record(new WatchEvent(rv, created ? "ADDED" : "MODIFIED", key, (JsonObject)obj.DeepClone()));
                return obj;
            }
        }

        public JsonObject? Delete(StoredKey key)
        {
            lock (_gate)
            {
                if (!_objects.Remove(key, out JsonObject? obj)) return null;
                _owners.Remove(key);
                long rv = ++_resourceVersion;
                Meta(obj)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
                Record(new WatchEvent(rv, "DELETED", key, (JsonObject)obj.DeepClone()));
                return obj;
            }
        }

        private void Record(WatchEvent e)
        {
            _events.Add(e);
            TaskCompletionSource done = _changed;
            _changed = NewSignal();
            done.SetResult();
        }

        /// <summary>Events after <paramref name="since"/>, and a task that completes at the next change.</summary>
        public (List<WatchEvent> Events, Task Next) EventsAfter(long since)
        {
            lock (_gate)
            {
                return (_events.Where(e => e.ResourceVersion > since).ToList(), _changed.Task);
            }
        }

        /// <summary>A number however it was stored (parsed JSON or a value set here), or null.</summary>
        public static long? Number(JsonNode? node) =>
            node is JsonValue v && long.TryParse(v.ToJsonString().Trim('"'), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : null;

        public static JsonObject Meta(JsonObject obj)
        {
            if (obj["metadata"] is not JsonObject meta) obj["metadata"] = meta = new JsonObject();
            return meta;
        }
    }

    /// <summary>A label selector as the API takes it: a=b, a==b, a!=b, a, !a, a in (x,y), a notin (x,y).</summary>
    internal sealed class LabelSelector
    {
        private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _terms = new();

        public LabelSelector(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return;
            foreach (string raw in SplitTerms(text!))
            {
                string term = raw.Trim();
                if (term.Length == 0) continue;
                string[] words = term.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 3 && (words[1] == "in" || words[1] == "notin"))
                {
                    string key = words[0];
                    HashSet<string> set = string.Join(" ", words.Skip(2)).Trim('(', ')', ' ').Split(',').Select(s => s.Trim()).ToHashSet();
                    bool include = words[1] == "in";
                    _terms.Add(l => include ? l.TryGetValue(key, out string? v) && set.Contains(v) : !l.TryGetValue(key, out string? w) || !set.Contains(w));
                }
                else if (term.Contains("!="))
                {
                    string[] kv = term.Split("!=", 2);
                    _terms.Add(l => !l.TryGetValue(kv[0].Trim(), out string? v) || v != kv[1].Trim());
                }
                else if (term.Contains('='))
                {
                    string[] kv = term.Replace("==", "=").Split('=', 2);
                    _terms.Add(l => l.TryGetValue(kv[0].Trim(), out string? v) && v == kv[1].Trim());
                }
                else if (term.StartsWith('!'))
                {
                    _terms.Add(l => !l.ContainsKey(term.Substring(1)));
                }
                else
                {
                    _terms.Add(l => l.ContainsKey(term));
                }
            }
        }

        // Commas inside "in (a,b)" do not separate terms.
        private static IEnumerable<string> SplitTerms(string text)
        {
            int depth = 0, start = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '(') depth++;
                else if (text[i] == ')') depth--;
                else if (text[i] == ',' && depth == 0)
                {
                    yield return text.Substring(start, i - start);
                    start = i + 1;
                }
            }
            yield return text.Substring(start);
        }

        public bool Matches(JsonObject obj) => _terms.All(t => t(Labels(obj)));

        public static Dictionary<string, string> Labels(JsonObject obj)
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (obj["metadata"]?["labels"] is JsonObject l)
            {
                foreach (KeyValuePair<string, JsonNode?> p in l) labels[p.Key] = p.Value?.ToString() ?? "";
            }
            return labels;
        }
    }

    /// <summary>A field selector, only the metadata.name / metadata.namespace equalities clients send.</summary>
    internal sealed class FieldSelector
    {
        private readonly List<(string Field, string Value, bool Equal)> _terms = new();

        public FieldSelector(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return;
            foreach (string term in text!.Split(','))
            {
                bool equal = !term.Contains("!=");
                string[] kv = term.Replace("!=", "=").Replace("==", "=").Split('=', 2);
                if (kv.Length == 2) _terms.Add((kv[0].Trim(), kv[1].Trim(), equal));
            }
        }

        public bool Matches(JsonObject obj) => _terms.All(t =>
        {
            string? actual = t.Field switch
            {
                "metadata.name" => (string?)obj["metadata"]?["name"],
                "metadata.namespace" => (string?)obj["metadata"]?["namespace"],
                _ => null,
            };
            return (actual == t.Value) == t.Equal;
        });
    }
}
