using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HelmSim
{
    /// <summary>YAML &lt;-&gt; JsonNode conversion with Go yaml.v2-like scalar typing and output style.</summary>
    public static class Yaml
    {
        private static readonly Regex IntRe = new Regex(@"^[-+]?(0|[1-9][0-9_]*)$", RegexOptions.CultureInvariant);
        private static readonly Regex HexRe = new Regex(@"^0x[0-9a-fA-F]+$", RegexOptions.CultureInvariant);
        private static readonly Regex FloatRe = new Regex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

        /// <summary>Parses all documents of a YAML text. Empty documents become null.</summary>
        public static List<JsonNode?> ParseAll(string text)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                throw new FormatException("yaml: line " + e.Start.Line.ToString(CultureInfo.InvariantCulture) + ": " + InnerMessage(e));
            }
            var result = new List<JsonNode?>();
            foreach (YamlDocument doc in stream.Documents)
            {
                result.Add(Convert(doc.RootNode));
            }
            return result;
        }

        private static string InnerMessage(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            string m = e.Message;
            int i = m.IndexOf("): ", StringComparison.Ordinal);
            return i >= 0 && m.StartsWith("(", StringComparison.Ordinal) ? m.Substring(i + 3) : m;
        }

        public static JsonNode? Parse(string text)
        {
            List<JsonNode?> docs = ParseAll(text);
            return docs.Count == 0 ? null : docs[0];
        }

        private static JsonNode? Convert(YamlNode node)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    var o = new JsonObject();
                    foreach (var kv in map.Children)
                    {
                        string key = kv.Key is YamlScalarNode ks ? (ks.Value ?? "") : kv.Key.ToString();
                        if (key == "<<" && kv.Value is YamlMappingNode merge)
                        {
                            foreach (var mk in (JsonObject)Convert(merge)!)
                            {
                                if (!o.ContainsKey(mk.Key)) o[mk.Key] = mk.Value?.DeepClone();
                            }
                            continue;
                        }
                        o[key] = Convert(kv.Value);
                    }
                    return o;
                case YamlSequenceNode seq:
                    var a = new JsonArray();
                    foreach (YamlNode child in seq.Children)
                    {
                        a.Add(Convert(child));
                    }
                    return a;
                case YamlScalarNode sc:
                    return Scalar(sc);
                default:
                    return null;
            }
        }

        private static JsonNode? Scalar(YamlScalarNode sc)
        {
            string v = sc.Value ?? "";
            if (sc.Style != YamlDotNet.Core.ScalarStyle.Plain)
            {
                return JsonValue.Create(v);
            }
            string tag = sc.Tag.IsEmpty || sc.Tag.IsNonSpecific ? "" : sc.Tag.Value;
            if (tag == "tag:yaml.org,2002:str" || tag == "!!str")
            {
                return JsonValue.Create(v);
            }
            return TypedPlain(v);
        }

        /// <summary>Resolves a plain YAML scalar like Go yaml.v2.</summary>
        public static JsonNode? TypedPlain(string v)
        {
            switch (v)
            {
                case "":
                case "~":
                case "null":
                case "Null":
                case "NULL":
                    return null;
                case "true": case "True": case "TRUE": case "yes": case "Yes": case "YES": case "on": case "On": case "ON": case "y": case "Y":
                    return JsonValue.Create(true);
                case "false": case "False": case "FALSE": case "no": case "No": case "NO": case "off": case "Off": case "OFF": case "n": case "N":
                    return JsonValue.Create(false);
                case ".inf": case ".Inf": case "+.inf":
                    return JsonValue.Create(v);
            }
            if (IntRe.IsMatch(v) && long.TryParse(v.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            {
                return JsonValue.Create(l);
            }
            if (HexRe.IsMatch(v) && long.TryParse(v.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long h))
            {
                return JsonValue.Create(h);
            }
            if (FloatRe.IsMatch(v) && v.Any(char.IsDigit) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            {
                if (d == Math.Floor(d) && Math.Abs(d) < 1e15 && !v.Contains('e') && !v.Contains('E'))
                {
                    return JsonValue.Create(d);
                }
                return JsonValue.Create(d);
            }
            return JsonValue.Create(v);
        }

        // ---------------------------------------------------------------- emitter

        /// <summary>Emits YAML the way Go's yaml.v2 does for maps: keys sorted, sequences not indented under keys.</summary>
        public static string Emit(JsonNode? node, bool sortKeys = true)
        {
            var sb = new StringBuilder();
            if (node is JsonObject o && o.Count > 0)
            {
                EmitObject(sb, o, 0, sortKeys);
            }
            else if (node is JsonArray a && a.Count > 0)
            {
                EmitArray(sb, a, 0, sortKeys);
            }
            else
            {
                sb.Append(ScalarText(node, 0)).Append('\n');
            }
            return sb.ToString();
        }

        private static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(JsonObject o, bool sortKeys)
        {
            return sortKeys ? o.OrderBy(kv => kv.Key, StringComparer.Ordinal) : (IEnumerable<KeyValuePair<string, JsonNode?>>)o;
        }

        private static void EmitObject(StringBuilder sb, JsonObject o, int indent, bool sortKeys, bool firstInline = false)
        {
            bool first = true;
            foreach (var kv in Entries(o, sortKeys))
            {
                if (!(first && firstInline)) sb.Append(' ', indent);
                first = false;
                sb.Append(KeyText(kv.Key)).Append(':');
                JsonNode? v = kv.Value;
                if (v is JsonObject co && co.Count > 0)
                {
                    sb.Append('\n');
                    EmitObject(sb, co, indent + 2, sortKeys);
                }
                else if (v is JsonArray ca && ca.Count > 0)
                {
                    sb.Append('\n');
                    EmitArray(sb, ca, indent, sortKeys);
                }
                else
                {
                    sb.Append(' ').Append(ScalarText(v, indent + 2)).Append('\n');
                }
            }
        }

        private static void EmitArray(StringBuilder sb, JsonArray a, int indent, bool sortKeys)
        {
            foreach (JsonNode? item in a)
            {
                sb.Append(' ', indent).Append("- ");
                if (item is JsonObject io && io.Count > 0)
                {
                    EmitObject(sb, io, indent + 2, sortKeys, firstInline: true);
                }
                else if (item is JsonArray ia && ia.Count > 0)
                {
                    sb.Append('\n');
                    EmitArray(sb, ia, indent + 2, sortKeys);
                }
                else
                {
                    sb.Append(ScalarText(item, indent + 2)).Append('\n');
                }
            }
        }

        private static string KeyText(string key) => NeedsQuote(key) ? Quote(key) : key;

        private static string ScalarText(JsonNode? v, int indent)
        {
            switch (v)
            {
                case null:
                    return "null";
                case JsonObject _:
                    return "{}";
                case JsonArray _:
                    return "[]";
                case JsonValue jv:
                    if (jv.TryGetValue(out string? s))
                    {
                        if (s.Contains('\n') && !s.Any(c => char.IsControl(c) && c != '\n'))
                        {
                            string chomp = s.EndsWith("\n", StringComparison.Ordinal) ? "|" : "|-";
                            string body = s.EndsWith("\n", StringComparison.Ordinal) ? s.Substring(0, s.Length - 1) : s;
                            var b = new StringBuilder(chomp);
                            foreach (string line in body.Split('\n'))
                            {
                                b.Append('\n');
                                if (line.Length > 0) b.Append(' ', indent).Append(line);
                            }
                            return b.ToString();
                        }
                        return NeedsQuote(s) ? Quote(s) : s;
                    }
                    if (jv.TryGetValue(out bool bo)) return bo ? "true" : "false";
                    if (jv.TryGetValue(out long l)) return l.ToString(CultureInfo.InvariantCulture);
                    if (jv.TryGetValue(out double d)) return FormatDouble(d);
                    return jv.ToJsonString();
                default:
                    return v.ToJsonString();
            }
        }

        public static string FormatDouble(double d)
        {
            if (d == Math.Floor(d) && Math.Abs(d) < 1e21) return d.ToString("0", CultureInfo.InvariantCulture);
            return d.ToString("R", CultureInfo.InvariantCulture);
        }

        private static bool NeedsQuote(string s)
        {
            if (s.Length == 0) return true;
            if (TypedPlain(s) is not JsonValue jv || !jv.TryGetValue(out string? _)) return true;
            if (FloatRe.IsMatch(s) || HexRe.IsMatch(s)) return true;
            if ("-?:,[]{}#&*!|>'\"%@`".IndexOf(s[0]) >= 0) return true;
            if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[s.Length - 1])) return true;
            if (s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal) || s.EndsWith(":", StringComparison.Ordinal)) return true;
            foreach (char c in s)
            {
                if (char.IsControl(c)) return true;
            }
            return false;
        }

        private static string Quote(string s)
        {
            if (!s.Any(char.IsControl)) return "'" + s.Replace("'", "''") + "'";
            var sb = new StringBuilder("\"");
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\r': sb.Append("\\r"); break;
                    default:
                        if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.Append('"').ToString();
        }
    }
}
