using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SBKube.Core.Config
{
    /// <summary>
    /// YAML &lt;-&gt; JsonNode for values files and snapshots. Reading is bounded (size, depth, alias-expanded node
    /// count) and typed like the YAML 1.2 core schema: plain true/false, null/~, integers and floats become JSON
    /// bool/null/number; quoted scalars stay strings; <c>17.13.2</c> stays a string.
    /// </summary>
    public static class YamlValues
    {
        /// <summary>Largest values file accepted (8 MiB).</summary>
        public const long MaxValuesFileBytes = 8L << 20;

        /// <summary>Deepest nesting accepted.</summary>
        public const int MaxDepth = 64;

        /// <summary>Most nodes a values document may expand to (aliases counted as copies).</summary>
        public const long MaxValuesNodes = 1_000_000;

        /// <summary>Parses one YAML document (empty text = null). Throws <see cref="ConfigException"/> with a positioned issue.</summary>
        public static JsonNode? Parse(string yamlText, string fileNameForErrors)
            => Parse(yamlText, fileNameForErrors, YamlLimits.Values);

        internal static JsonNode? Parse(string yamlText, string file, YamlLimits limits)
        {
            var result = YamlTree.Parse(yamlText ?? "", file, limits);
            if (result.Documents.Count > 1)
            {
                var second = result.Documents[1];
                result.Issues.Add(new ConfigIssue(file, second.Line, second.Column, ConfigIssueCodes.MalformedYaml,
                    "Expected a single YAML document, found another one ('---').", null, "one YAML document"));
            }
            if (result.Issues.Count > 0) throw new ConfigException(result.Issues);
            return result.Documents.Count == 0 ? null : YamlScalars.ToJson(result.Documents[0]);
        }

        /// <summary>Reads a values file: must be a map at the top; an empty file is <c>{}</c>.</summary>
        public static JsonObject LoadFile(string path)
        {
            var full = Path.GetFullPath(path);
            var text = ReadBounded(full, MaxValuesFileBytes);
            var node = Parse(text, full, YamlLimits.Values);
            if (node is null) return new JsonObject();
            if (node is JsonObject obj) return obj;
            throw YamlTree.Fatal(full, 1, 1, ConfigIssueCodes.WrongType,
                $"A values file must be a map at the top level, got {Kind(node)}.", null, "a map (key: value)");
        }

        internal static string Kind(JsonNode? node)
        {
            switch (node)
            {
                case null: return "null";
                case JsonObject _: return "a map";
                case JsonArray _: return "a list";
                default: return "a " + node.GetValueKind().ToString().ToLowerInvariant() + " value";
            }
        }

        /// <summary>Reads a text file refusing more than <paramref name="maxBytes"/> (TooLarge) and missing files (MissingFile).</summary>
        internal static string ReadBounded(string fullPath, long maxBytes)
        {
            FileInfo fi;
            try
            {
                fi = new FileInfo(fullPath);
                if (!fi.Exists)
                    throw YamlTree.Fatal(fullPath, 0, 0, ConfigIssueCodes.MissingFile, $"File not found: {fullPath}", fullPath, "an existing file");
                if (fi.Length > maxBytes)
                    throw YamlTree.Fatal(fullPath, 0, 0, ConfigIssueCodes.TooLarge,
                        $"File is {fi.Length} bytes, more than the limit of {maxBytes} bytes.", fi.Length.ToString(CultureInfo.InvariantCulture), $"at most {maxBytes} bytes");
                using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                using (var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true))
                {
                    var buffer = new char[Math.Min(maxBytes + 1, fi.Length + 1)];
                    var sb = new StringBuilder();
                    int n;
                    while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        sb.Append(buffer, 0, n);
                        if (sb.Length > maxBytes)
                            throw YamlTree.Fatal(fullPath, 0, 0, ConfigIssueCodes.TooLarge,
                                $"File is larger than the limit of {maxBytes} bytes.", null, $"at most {maxBytes} bytes");
                    }
                    return sb.ToString();
                }
            }
            catch (ConfigException)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw YamlTree.Fatal(fullPath, 0, 0, ConfigIssueCodes.MissingFile, $"Cannot read {fullPath}: {ex.Message}", fullPath, "a readable file");
            }
        }

        // ------------------------------------------------------------------ writing

        /// <summary>
        /// Block-style YAML (like <c>helm get values</c>), written by YamlDotNet's emitter: nested maps indented 2,
        /// lists as <c>- </c> at the key's indentation, keys in the node's order, strings quoted only when needed
        /// (the YAML 1.1 rule below), multi-line strings as literal blocks. Ends with a newline.
        /// <c>Parse(ToYaml(x))</c> equals <c>x</c>.
        /// </summary>
        public static string ToYaml(JsonNode? node)
        {
            using var text = new StringWriter(CultureInfo.InvariantCulture);
            var emitter = new Emitter(text, WriterSettings);
            emitter.Emit(new StreamStart());
            emitter.Emit(new DocumentStart());
            Emit(emitter, node);
            emitter.Emit(new DocumentEnd(isImplicit: true));
            emitter.Emit(new StreamEnd());
            return text.ToString();
        }

        private static readonly EmitterSettings WriterSettings =
            new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, newLine: "\n");

        private static void Emit(IEmitter emitter, JsonNode? node)
        {
            switch (node)
            {
                case JsonObject map:
                    emitter.Emit(new MappingStart(null, null, true, map.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                    foreach (var kv in map)
                    {
                        EmitString(emitter, kv.Key);
                        Emit(emitter, kv.Value);
                    }
                    emitter.Emit(new MappingEnd());
                    return;
                case JsonArray list:
                    emitter.Emit(new SequenceStart(null, null, true, list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                    foreach (var item in list)
                    {
                        Emit(emitter, item);
                    }
                    emitter.Emit(new SequenceEnd());
                    return;
                case null:
                    EmitPlain(emitter, "null");
                    return;
            }
            var value = (JsonValue)node;
            switch (value.GetValueKind())
            {
                case JsonValueKind.True:
                    EmitPlain(emitter, "true");
                    return;
                case JsonValueKind.False:
                    EmitPlain(emitter, "false");
                    return;
                case JsonValueKind.Null:
                    EmitPlain(emitter, "null");
                    return;
                case JsonValueKind.Number:
                    EmitPlain(emitter, FormatNumber(value));
                    return;
            }
            EmitString(emitter, value.GetValue<string>());
        }

        private static void EmitPlain(IEmitter emitter, string text) =>
            emitter.Emit(new Scalar(null, null, text, ScalarStyle.Plain, true, false));

        private static void EmitString(IEmitter emitter, string s)
        {
            ScalarStyle style = s.IndexOf('\n') >= 0 && CanBeLiteral(s) ? ScalarStyle.Literal
                : s.Any(NeedsEscape) || s.IndexOfAny(new[] { '\n', '\r', '\t' }) >= 0 ? ScalarStyle.DoubleQuoted
                : NeedsQuotes(s) ? ScalarStyle.SingleQuoted
                : ScalarStyle.Plain;
            emitter.Emit(new Scalar(null, null, s, style, style == ScalarStyle.Plain, style != ScalarStyle.Plain));
        }

        private static string FormatNumber(JsonValue value)
        {
            if (value.TryGetValue<JsonElement>(out var element)) return element.GetRawText();
            var text = value.ToJsonString();
            if (value.TryGetValue<double>(out _) || value.TryGetValue<float>(out _))
            {
                if (text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0) text += ".0";
            }
            return text;
        }

        private static bool CanBeLiteral(string s)
        {
            if (s.Length == 0 || s[0] == ' ' || s[0] == '\t' || s[0] == '\n') return false;
            foreach (var c in s)
            {
                if (c == '\n' || c == '\t') continue;
                if (NeedsEscape(c)) return false;
            }
            foreach (var line in s.Split('\n'))
            {
                if (line.Length > 0 && (line[line.Length - 1] == ' ' || line[line.Length - 1] == '\t')) return false;
            }
            // Content must contain something that is not a newline before the trailing newlines.
            return s.TrimEnd('\n').Length > 0;
        }

        private static bool NeedsEscape(char c)
            => (c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\uFEFF';

        private static readonly Regex Yaml11Number = new Regex(
            @"^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$",
            RegexOptions.CultureInvariant);

        private static readonly HashSet<string> Yaml11Words = new HashSet<string>(StringComparer.Ordinal)
        {
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "<<", "=",
        };

        private static bool NeedsQuotes(string s)
        {
            if (s.Length == 0) return true;
            if (YamlScalars.ResolvesToNonString(s) || Yaml11Words.Contains(s) || Yaml11Number.IsMatch(s)) return true;
            if ("-?:,[]{}#&*!|>'\"%@`".IndexOf(s[0]) >= 0) return true;
            if (s[0] == ' ' || s[s.Length - 1] == ' ') return true;
            if (s.StartsWith("...", StringComparison.Ordinal) || s.StartsWith("---", StringComparison.Ordinal)) return true;
            if (s.Contains(": ") || s.Contains(" #") || s[s.Length - 1] == ':') return true;
            return false;
        }
    }
}
