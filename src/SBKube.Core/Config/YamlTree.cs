using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SBKube.Core.Config
{
    internal enum YKind
    {
        Scalar,
        Mapping,
        Sequence,
    }

    /// <summary>A positioned YAML node. Aliases share the anchored node object.</summary>
    internal sealed class YNode
    {
        public YKind Kind;
        public int Line;
        public int Column;
        public string Text = "";
        public bool Plain;
        public string? Tag;
        public List<YPair>? Pairs;
        public List<YNode>? Items;
        /// <summary>Number of nodes once aliases are expanded (saturating).</summary>
        public long Size = 1;
        /// <summary>Nesting height once aliases are expanded (a scalar is 1).</summary>
        public int Height = 1;

        public bool IsNull => Kind == YKind.Scalar && YamlScalars.Resolve(this) is null;

        public string Describe()
        {
            switch (Kind)
            {
                case YKind.Mapping: return "a map";
                case YKind.Sequence: return "a list";
                default: return IsNull ? "null" : "'" + Text + "'";
            }
        }
    }

    internal sealed class YPair
    {
        public YPair(YNode key, YNode value)
        {
            Key = key;
            Value = value;
        }

        public YNode Key;
        public YNode Value;
    }

    internal sealed class YamlLimits
    {
        public YamlLimits(long maxBytes, int maxDepth, long maxNodes)
        {
            MaxBytes = maxBytes;
            MaxDepth = maxDepth;
            MaxNodes = maxNodes;
        }

        public long MaxBytes { get; }
        public int MaxDepth { get; }
        public long MaxNodes { get; }

        public static readonly YamlLimits Config = new YamlLimits(1L << 20, 64, 100_000);
        public static readonly YamlLimits Values = new YamlLimits(8L << 20, 64, 1_000_000);
    }

    /// <summary>Result of parsing: documents plus non-fatal issues (duplicate keys).</summary>
    internal sealed class YamlParseResult
    {
        public List<YNode> Documents { get; } = new List<YNode>();
        public List<ConfigIssue> Issues { get; } = new List<ConfigIssue>();
    }

    /// <summary>
    /// Bounded YAML reader on top of YamlDotNet's event parser: no recursion, depth limit, alias-expanded node
    /// limit computed without expanding (billion laughs fails at once), duplicate keys reported, merge keys
    /// (<c>&lt;&lt;</c>) applied. Fatal problems throw <see cref="ConfigException"/> with one positioned issue.
    /// </summary>
    internal static class YamlTree
    {
        private sealed class Frame
        {
            public Frame(YNode node, string? anchor)
            {
                Node = node;
                Anchor = anchor;
            }

            public YNode Node;
            public string? Anchor;
            public YNode? PendingKey;
            public HashSet<string>? Keys;
            public bool HasMerge;
        }

        public static YamlParseResult Parse(string text, string file, YamlLimits limits)
        {
            var result = new YamlParseResult();
            if (text.Length > limits.MaxBytes)
                throw Fatal(file, 0, 0, ConfigIssueCodes.TooLarge,
                    $"YAML text is {text.Length} characters, more than the limit of {limits.MaxBytes}.", null, $"at most {limits.MaxBytes} bytes");

            var parser = new Parser(new StringReader(text));
            var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
            var stack = new List<Frame>();
            YNode? root = null;
            ParsingEvent? ev = null;
            try
            {
                while (parser.MoveNext())
                {
                    ev = parser.Current!;
                    switch (ev)
                    {
                        case StreamStart _:
                        case StreamEnd _:
                            break;
                        case DocumentStart _:
                            anchors.Clear();
                            root = null;
                            break;
                        case DocumentEnd de:
                            result.Documents.Add(root ?? new YNode { Kind = YKind.Scalar, Plain = true, Line = L(de.Start), Column = C(de.Start) });
                            break;
                        case Scalar s:
                        {
                            var node = new YNode
                            {
                                Kind = YKind.Scalar,
                                Line = L(s.Start),
                                Column = C(s.Start),
                                Text = s.Value,
                                Plain = s.Style == ScalarStyle.Plain,
                                Tag = s.Tag.IsEmpty ? null : s.Tag.Value,
                            };
                            if (stack.Count + 1 > limits.MaxDepth)
                                throw TooDeep(file, node.Line, node.Column, limits);
                            if (!s.Anchor.IsEmpty) anchors[s.Anchor.Value] = node;
                            Attach(node, stack, ref root, file, limits, result);
                            break;
                        }
                        case AnchorAlias a:
                        {
                            if (!anchors.TryGetValue(a.Value.Value, out var target))
                                throw Fatal(file, L(a.Start), C(a.Start), ConfigIssueCodes.MalformedYaml,
                                    $"Alias '*{a.Value.Value}' refers to an anchor that is not defined before it (or contains the alias).",
                                    "*" + a.Value.Value, "an alias to an anchor defined earlier");
                            if (stack.Count + target.Height > limits.MaxDepth)
                                throw TooDeep(file, L(a.Start), C(a.Start), limits);
                            Attach(target, stack, ref root, file, limits, result, L(a.Start), C(a.Start));
                            break;
                        }
                        case MappingStart ms:
                        {
                            if (stack.Count + 1 > limits.MaxDepth)
                                throw TooDeep(file, L(ms.Start), C(ms.Start), limits);
                            var node = new YNode { Kind = YKind.Mapping, Line = L(ms.Start), Column = C(ms.Start), Pairs = new List<YPair>(), Tag = ms.Tag.IsEmpty ? null : ms.Tag.Value };
                            stack.Add(new Frame(node, ms.Anchor.IsEmpty ? null : ms.Anchor.Value) { Keys = new HashSet<string>(StringComparer.Ordinal) });
                            break;
                        }
                        case SequenceStart ss:
                        {
                            if (stack.Count + 1 > limits.MaxDepth)
                                throw TooDeep(file, L(ss.Start), C(ss.Start), limits);
                            var node = new YNode { Kind = YKind.Sequence, Line = L(ss.Start), Column = C(ss.Start), Items = new List<YNode>(), Tag = ss.Tag.IsEmpty ? null : ss.Tag.Value };
                            stack.Add(new Frame(node, ss.Anchor.IsEmpty ? null : ss.Anchor.Value));
                            break;
                        }
                        case MappingEnd _:
                        case SequenceEnd _:
                        {
                            var frame = stack[stack.Count - 1];
                            stack.RemoveAt(stack.Count - 1);
                            var node = frame.Node;
                            if (frame.HasMerge) ApplyMerges(node, file);
                            if (frame.Anchor != null) anchors[frame.Anchor] = node;
                            Attach(node, stack, ref root, file, limits, result);
                            break;
                        }
                        default:
                            break;
                    }
                }
            }
            catch (ConfigException)
            {
                throw;
            }
            catch (YamlException ex)
            {
                var line = L(ex.Start);
                var col = C(ex.Start);
                throw Fatal(file, line, col, ConfigIssueCodes.MalformedYaml, "Malformed YAML: " + CleanMessage(ex.Message), null, "valid YAML");
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                var line = ev != null ? L(ev.Start) : 0;
                var col = ev != null ? C(ev.Start) : 0;
                throw Fatal(file, line, col, ConfigIssueCodes.MalformedYaml, "Malformed YAML: " + ex.Message, null, "valid YAML");
            }
            return result;
        }

        private static void Attach(YNode node, List<Frame> stack, ref YNode? root, string file, YamlLimits limits, YamlParseResult result, int useLine = 0, int useCol = 0)
        {
            if (node.Size > limits.MaxNodes)
                throw TooMany(file, useLine > 0 ? useLine : node.Line, useLine > 0 ? useCol : node.Column, limits);
            if (stack.Count == 0)
            {
                root = node;
                return;
            }
            var frame = stack[stack.Count - 1];
            var parent = frame.Node;
            if (parent.Kind == YKind.Sequence)
            {
                parent.Items!.Add(node);
            }
            else if (frame.PendingKey == null)
            {
                if (node.Kind != YKind.Scalar)
                {
                    throw Fatal(file, useLine > 0 ? useLine : node.Line, useLine > 0 ? useCol : node.Column, ConfigIssueCodes.WrongType,
                        $"A map key must be a plain value, not {node.Describe()}.", null, "a string key");
                }
                frame.PendingKey = node;
            }
            else
            {
                var key = frame.PendingKey;
                frame.PendingKey = null;
                if (key.Plain && key.Tag == null && key.Text == "<<")
                {
                    frame.HasMerge = true;
                    parent.Pairs!.Add(new YPair(key, node));
                }
                else if (!frame.Keys!.Add(key.Text))
                {
                    result.Issues.Add(new ConfigIssue(file, key.Line, key.Column, ConfigIssueCodes.DuplicateKey,
                        $"Duplicate key '{key.Text}' (it is already defined earlier in the same map; the second one is ignored).", key.Text, "each key once per map"));
                    return; // keep the first
                }
                else
                {
                    parent.Pairs!.Add(new YPair(key, node));
                }
                parent.Size = SatAdd(parent.Size, key.Size);
            }
            parent.Size = SatAdd(parent.Size, node.Size);
            if (node.Height + 1 > parent.Height) parent.Height = node.Height + 1;
            if (parent.Size > limits.MaxNodes)
                throw TooMany(file, useLine > 0 ? useLine : node.Line, useLine > 0 ? useCol : node.Column, limits);
        }

        private static void ApplyMerges(YNode map, string file)
        {
            var explicitKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in map.Pairs!)
                if (!IsMergeKey(p.Key)) explicitKeys.Add(p.Key.Text);
            var merged = new List<YPair>();
            foreach (var p in map.Pairs)
            {
                if (!IsMergeKey(p.Key))
                {
                    merged.Add(p);
                    continue;
                }
                var sources = new List<YNode>();
                if (p.Value.Kind == YKind.Mapping) sources.Add(p.Value);
                else if (p.Value.Kind == YKind.Sequence) sources.AddRange(p.Value.Items!);
                else sources.Add(p.Value);
                foreach (var src in sources)
                {
                    if (src.Kind != YKind.Mapping)
                        throw Fatal(file, src.Line, src.Column, ConfigIssueCodes.WrongType,
                            $"The merge key '<<' needs a map or a list of maps, got {src.Describe()}.", src.Kind == YKind.Scalar ? src.Text : null, "a map or a list of maps");
                    foreach (var sp in src.Pairs!)
                    {
                        if (explicitKeys.Add(sp.Key.Text)) merged.Add(sp);
                    }
                }
            }
            map.Pairs.Clear();
            map.Pairs.AddRange(merged);
        }

        private static bool IsMergeKey(YNode key) => key.Plain && key.Tag == null && key.Text == "<<";

        private static long SatAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

        private static int L(Mark m) => (int)Math.Min(int.MaxValue, m.Line);
        private static int C(Mark m) => (int)Math.Min(int.MaxValue, m.Column);

        private static string CleanMessage(string message)
        {
            // YamlDotNet prefixes "(Line: x, Col: y, Idx: z) - (Line..): "; we print our own position.
            var m = Regex.Match(message, @"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ");
            return m.Success ? message.Substring(m.Length) : message;
        }

        internal static ConfigException Fatal(string file, int line, int col, string code, string message, string? value, string? expected)
            => new ConfigException(new[] { new ConfigIssue(file, line, col, code, message, value, expected) });

        private static ConfigException TooDeep(string file, int line, int col, YamlLimits limits)
            => Fatal(file, line, col, ConfigIssueCodes.TooDeep,
                $"YAML nesting is deeper than the limit of {limits.MaxDepth} levels.", null, $"at most {limits.MaxDepth} nested levels");

        private static ConfigException TooMany(string file, int line, int col, YamlLimits limits)
            => Fatal(file, line, col, ConfigIssueCodes.TooManyNodes,
                $"YAML expands to more than {limits.MaxNodes} nodes (aliases counted as copies); refusing a possible alias bomb.", null, $"at most {limits.MaxNodes} nodes");
    }
}
