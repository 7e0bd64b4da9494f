using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace SBKube.Core.Config
{
    /// <summary>Merges values layers like Helm: <c>-f a -f b</c> then <c>--set</c>.</summary>
    public static class ValuesMerger
    {
        /// <summary>Largest list index a set path may use (Helm refuses huge indexes too).</summary>
        public const int MaxListIndex = 65536;

        /// <summary>
        /// Deep-merges maps left to right (later wins; lists and scalars are replaced, not merged), then applies
        /// <paramref name="set"/>: each key is a dotted path (<c>a.b.c</c>, <c>a\.b</c> for a literal dot,
        /// <c>list[0].name</c> for list items) set to the value, creating maps and lists as needed.
        /// Returns a new object; the inputs are not modified.
        /// </summary>
        public static JsonObject Merge(IEnumerable<JsonObject> layers, JsonObject? set)
        {
            var result = new JsonObject();
            if (layers != null)
            {
                foreach (var layer in layers)
                    if (layer != null) MergeInto(result, layer);
            }
            if (set != null)
            {
                foreach (var kv in set)
                    SetPath(result, kv.Key, kv.Value?.DeepClone());
            }
            return result;
        }

        private static void MergeInto(JsonObject target, JsonObject source)
        {
            foreach (var kv in source)
            {
                if (kv.Value is JsonObject src && target.TryGetPropertyValue(kv.Key, out var existing) && existing is JsonObject dst)
                    MergeInto(dst, src);
                else
                    target[kv.Key] = kv.Value?.DeepClone();
            }
        }

        /// <summary>One step of a set path: a map key or a list index.</summary>
        internal readonly struct PathSegment
        {
            public PathSegment(string key)
            {
                Key = key;
                Index = -1;
            }

            public PathSegment(int index)
            {
                Key = null;
                Index = index;
            }

            public string? Key { get; }
            public int Index { get; }
            public bool IsIndex => Key == null;
        }

        /// <summary>Parses <c>a.b\.c[0][1].d</c>; returns an error text instead of throwing.</summary>
        internal static bool TryParsePath(string path, out List<PathSegment> segments, out string? error)
        {
            segments = new List<PathSegment>();
            error = null;
            if (string.IsNullOrEmpty(path))
            {
                error = "the path is empty";
                return false;
            }
            var key = new StringBuilder();
            bool haveKey = false;
            bool afterIndex = false;
            int i = 0;
            while (i < path.Length)
            {
                var c = path[i];
                if (c == '\\')
                {
                    if (i + 1 >= path.Length)
                    {
                        error = "it ends with a lone '\\'";
                        return false;
                    }
                    key.Append(path[i + 1]);
                    haveKey = true;
                    i += 2;
                    continue;
                }
                if (c == '.')
                {
                    if (!haveKey && !afterIndex)
                    {
                        error = $"it has an empty name before the '.' at position {i + 1}";
                        return false;
                    }
                    if (haveKey) segments.Add(new PathSegment(key.ToString()));
                    key.Clear();
                    haveKey = false;
                    afterIndex = false;
                    i++;
                    if (i >= path.Length)
                    {
                        error = "it ends with '.'";
                        return false;
                    }
                    continue;
                }
                if (c == '[')
                {
                    var close = path.IndexOf(']', i);
                    if (close < 0)
                    {
                        error = $"the '[' at position {i + 1} is not closed";
                        return false;
                    }
                    var text = path.Substring(i + 1, close - i - 1);
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var idx) || idx > MaxListIndex)
                    {
                        error = $"'[{text}]' is not a list index from 0 to {MaxListIndex}";
                        return false;
                    }
                    if (haveKey) segments.Add(new PathSegment(key.ToString()));
                    else if (segments.Count == 0)
                    {
                        error = "it starts with a list index; the top level is a map";
                        return false;
                    }
                    key.Clear();
                    haveKey = false;
                    segments.Add(new PathSegment(idx));
                    afterIndex = true;
                    i = close + 1;
                    if (i < path.Length && path[i] != '.' && path[i] != '[')
                    {
                        error = $"expected '.' or '[' after ']' at position {i + 1}";
                        return false;
                    }
                    continue;
                }
                if (afterIndex)
                {
                    error = $"expected '.' or '[' after ']' at position {i + 1}";
                    return false;
                }
                key.Append(c);
                haveKey = true;
                i++;
            }
            if (haveKey) segments.Add(new PathSegment(key.ToString()));
            return true;
        }

        /// <summary>Sets <paramref name="value"/> at a helm-style path in <paramref name="root"/> (modifies it).</summary>
        public static void SetPath(JsonObject root, string path, JsonNode? value)
        {
            if (!TryParsePath(path, out var segs, out var error))
                throw new ArgumentException($"Invalid set path '{path}': {error}.", nameof(path));
            JsonNode container = root;
            for (int i = 0; i < segs.Count; i++)
            {
                var seg = segs[i];
                bool last = i == segs.Count - 1;
                JsonNode? child;
                if (last)
                {
                    Put(container, seg, value);
                    return;
                }
                var next = segs[i + 1];
                child = Get(container, seg);
                if (next.IsIndex ? !(child is JsonArray) : !(child is JsonObject))
                {
                    child = next.IsIndex ? new JsonArray() : (JsonNode)new JsonObject();
                    Put(container, seg, child);
                }
                container = child!;
            }
        }

        private static JsonNode? Get(JsonNode container, PathSegment seg)
        {
            if (seg.IsIndex)
            {
                var arr = (JsonArray)container;
                return seg.Index < arr.Count ? arr[seg.Index] : null;
            }
            return ((JsonObject)container).TryGetPropertyValue(seg.Key!, out var v) ? v : null;
        }

        private static void Put(JsonNode container, PathSegment seg, JsonNode? value)
        {
            if (seg.IsIndex)
            {
                var arr = (JsonArray)container;
                while (arr.Count <= seg.Index) arr.Add(null);
                arr[seg.Index] = value;
            }
            else
            {
                ((JsonObject)container)[seg.Key!] = value;
            }
        }
    }
}
