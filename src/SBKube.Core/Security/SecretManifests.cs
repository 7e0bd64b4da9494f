using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SBKube.Core.Security
{
    /// <summary>
    /// Masks the values of <c>data</c> and <c>stringData</c> in every <c>kind: Secret</c> document of a
    /// manifest file, and in every Secret among the <c>items</c> of a <c>kind: List</c> (at any depth), in place: the rest of the text keeps its layout, so a masked manifest still
    /// diffs line by line.
    /// </summary>
    internal static class SecretManifests
    {
        /// <param name="mask">The masked form of one value (it also learns the value, to mask it in free text).</param>
        internal static string Mask(string yaml, Func<string, string> mask)
        {
            if (yaml.IndexOf("Secret", StringComparison.Ordinal) < 0)
            {
                return yaml;
            }
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException)
            {
                // Not YAML SBKube can read: show nothing of it rather than risk a secret.
                return SecretRedactor.Mask;
            }
            var spans = new List<(int Start, int End, string Shown)>();
            foreach (YamlMappingNode root in stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().SelectMany(Secrets))
            {
                foreach (string section in new[] { "data", "stringData" })
                {
                    if (root.Children.TryGetValue(new YamlScalarNode(section), out YamlNode? node) && node is YamlMappingNode entries)
                    {
                        foreach (YamlNode value in entries.Children.Values)
                        {
                            string shown = value is YamlScalarNode scalar && !string.IsNullOrEmpty(scalar.Value)
                                ? mask(scalar.Value!) : SecretRedactor.Mask;
                            spans.Add(((int)value.Start.Index, (int)value.End.Index, shown));
                        }
                    }
                }
            }
            string text = yaml;
            foreach ((int start, int end, string shown) in spans.OrderByDescending(s => s.Start))
            {
                text = text.Substring(0, start) + shown + text.Substring(end);
            }
            return text;
        }

        /// <summary>The Secrets of a document: itself, or those in the items of a List (at any depth).</summary>
        private static IEnumerable<YamlMappingNode> Secrets(YamlMappingNode node)
        {
            if (IsSecret(node))
            {
                yield return node;
            }
            if (node.Children.TryGetValue(new YamlScalarNode("items"), out YamlNode? items) && items is YamlSequenceNode list)
            {
                foreach (YamlMappingNode item in list.Children.OfType<YamlMappingNode>())
                {
                    foreach (YamlMappingNode secret in Secrets(item))
                    {
                        yield return secret;
                    }
                }
            }
        }

        private static bool IsSecret(YamlMappingNode root) =>
            root.Children.TryGetValue(new YamlScalarNode("kind"), out YamlNode? kind)
            && kind is YamlScalarNode k && k.Value == "Secret";
    }
}
