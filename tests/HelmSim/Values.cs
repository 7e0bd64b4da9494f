using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HelmSim
{
    /// <summary>Values: -f files, --set parsing (strvals-like), merging and coalescing.</summary>
    public static class Values
    {
        public static void MergeInto(JsonObject dst, JsonObject src)
        {
            foreach (var kv in src.ToList())
            {
                if (kv.Value is JsonObject so && dst[kv.Key] is JsonObject d)
                {
                    MergeInto(d, so);
                }
                else
                {
                    dst[kv.Key] = kv.Value?.DeepClone();
                }
            }
        }

        /// <summary>Chart defaults coalesced with user values (user wins; null deletes).</summary>
        public static JsonObject Coalesce(JsonObject defaults, JsonObject? user)
        {
            var result = (JsonObject)defaults.DeepClone();
            if (user != null) CoalesceInto(result, user);
            return result;
        }

        private static void CoalesceInto(JsonObject dst, JsonObject src)
        {
            foreach (var kv in src)
            {
                if (kv.Value == null)
                {
                    dst.Remove(kv.Key);
                }
                else if (kv.Value is JsonObject so && dst[kv.Key] is JsonObject d)
                {
                    CoalesceInto(d, so);
                }
                else
                {
                    dst[kv.Key] = kv.Value.DeepClone();
                }
            }
        }

        public static JsonObject ReadValuesFile(string path)
        {
            // Helm reads a values path of "-" (after trimming) from standard input.
            bool stdin = path.Trim() == "-";
            if (!stdin && !File.Exists(path))
            {
                throw new SimException("open " + path + ": no such file or directory");
            }
            try
            {
                JsonNode? n = Yaml.Parse(stdin ? Console.In.ReadToEnd() : File.ReadAllText(path));
                if (n == null) return new JsonObject();
                if (n is JsonObject o) return o;
                throw new SimException("failed to parse " + path + ": error unmarshaling JSON: json: cannot unmarshal " + (n is JsonArray ? "array" : "string") + " into Go value of type map[string]interface {}");
            }
            catch (FormatException e)
            {
                throw new SimException("failed to parse " + path + ": error converting YAML to JSON: " + e.Message);
            }
        }

        public enum SetMode { Typed, String, Json, Literal }

        /// <summary>Applies one --set style expression ("a.b=1,c[0]=x") to dst.</summary>
        public static void ApplySet(JsonObject dst, string expr, SetMode mode)
        {
            int i = 0;
            while (i < expr.Length)
            {
                // key
                var key = new StringBuilder();
                while (i < expr.Length && expr[i] != '=')
                {
                    if (expr[i] == '\\' && i + 1 < expr.Length) { key.Append('\\').Append(expr[i + 1]); i += 2; continue; }
                    if (expr[i] == ',' && mode != SetMode.Literal)
                    {
                        throw new SimException("key \"" + key + "\" has no value (cannot end with ,)");
                    }
                    key.Append(expr[i]);
                    i++;
                }
                if (i >= expr.Length)
                {
                    throw new SimException("key \"" + key + "\" has no value");
                }
                i++; // '='
                JsonNode? value;
                if (mode == SetMode.Literal)
                {
                    value = JsonValue.Create(expr.Substring(i));
                    i = expr.Length;
                }
                else if (mode == SetMode.Json)
                {
                    string raw = ReadJsonValue(expr, ref i);
                    try { value = JsonNode.Parse(raw); }
                    catch (JsonException e) { throw new SimException("failed parsing --set-json data " + raw + ": " + e.Message); }
                }
                else if (i < expr.Length && expr[i] == '{')
                {
                    int close = expr.IndexOf('}', i);
                    if (close < 0) throw new SimException("list must terminate with '}'");
                    var arr = new JsonArray();
                    foreach (string item in expr.Substring(i + 1, close - i - 1).Split(',', StringSplitOptions.None))
                    {
                        if (close - i - 1 == 0) break;
                        arr.Add(Typed(item, mode));
                    }
                    value = arr;
                    i = close + 1;
                    if (i < expr.Length && expr[i] == ',') i++;
                }
                else
                {
                    var val = new StringBuilder();
                    while (i < expr.Length && expr[i] != ',')
                    {
                        if (expr[i] == '\\' && i + 1 < expr.Length) { val.Append(expr[i + 1]); i += 2; continue; }
                        val.Append(expr[i]);
                        i++;
                    }
                    if (i < expr.Length) i++; // ','
                    value = Typed(val.ToString(), mode);
                }
                SetPath(dst, key.ToString(), value);
            }
        }

        private static string ReadJsonValue(string expr, ref int i)
        {
            int start = i, depth = 0;
            bool inStr = false;
            for (; i < expr.Length; i++)
            {
                char c = expr[i];
                if (inStr)
                {
                    if (c == '\\') i++;
                    else if (c == '"') inStr = false;
                    continue;
                }
                if (c == '"') inStr = true;
                else if (c == '{' || c == '[') depth++;
                else if (c == '}' || c == ']') depth--;
                else if (c == ',' && depth == 0) break;
            }
            string raw = expr.Substring(start, i - start);
            if (i < expr.Length) i++;
            return raw;
        }

        private static JsonNode? Typed(string v, SetMode mode)
        {
            if (mode == SetMode.String) return JsonValue.Create(v);
            if (string.Equals(v, "true", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(true);
            if (string.Equals(v, "false", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(false);
            if (string.Equals(v, "null", StringComparison.OrdinalIgnoreCase)) return null;
            if (v == "0") return JsonValue.Create(0L);
            if (v.Length > 1 && v[0] == '0') return JsonValue.Create(v);
            if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return JsonValue.Create(l);
            return JsonValue.Create(v);
        }

        private static List<string> SplitKey(string key)
        {
            var parts = new List<string>();
            var cur = new StringBuilder();
            for (int i = 0; i < key.Length; i++)
            {
                char c = key[i];
                if (c == '\\' && i + 1 < key.Length) { cur.Append(key[++i]); continue; }
                if (c == '.') { parts.Add(cur.ToString()); cur.Clear(); continue; }
                cur.Append(c);
            }
            parts.Add(cur.ToString());
            return parts;
        }

        private static void SetPath(JsonObject root, string key, JsonNode? value)
        {
            List<string> parts = SplitKey(key);
            JsonNode container = root;
            for (int p = 0; p < parts.Count; p++)
            {
                bool last = p == parts.Count - 1;
                string part = parts[p];
                var idx = new List<int>();
                var m = Regex.Match(part, @"^(.*?)((\[\d+\])+)$");
                string name = part;
                if (m.Success)
                {
                    name = m.Groups[1].Value;
                    foreach (Match im in Regex.Matches(m.Groups[2].Value, @"\[(\d+)\]")) idx.Add(int.Parse(im.Groups[1].Value, CultureInfo.InvariantCulture));
                }
                if (name.Length == 0 && container is JsonObject && idx.Count > 0)
                {
                    throw new SimException("key \"" + part + "\" has no name");
                }
                var obj = (JsonObject)container;
                if (idx.Count == 0)
                {
                    if (last) { obj[name] = value?.DeepClone(); return; }
                    if (!(obj[name] is JsonObject next)) { next = new JsonObject(); obj[name] = next; }
                    container = next;
                    continue;
                }
                if (!(obj[name] is JsonArray arr)) { arr = new JsonArray(); obj[name] = arr; }
                for (int k = 0; k < idx.Count; k++)
                {
                    int ix = idx[k];
                    while (arr.Count <= ix) arr.Add(null);
                    bool lastIdx = k == idx.Count - 1;
                    if (lastIdx && last) { arr[ix] = value?.DeepClone(); return; }
                    if (lastIdx)
                    {
                        if (!(arr[ix] is JsonObject no)) { no = new JsonObject(); arr[ix] = no; }
                        container = no;
                    }
                    else
                    {
                        if (!(arr[ix] is JsonArray na)) { na = new JsonArray(); arr[ix] = na; }
                        arr = na;
                    }
                }
            }
        }
    }
}
