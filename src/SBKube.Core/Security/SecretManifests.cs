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
    /// manifest file, in place: the rest of the text keeps its layout, so a masked manifest still
    /// diffs line by line.
    /// </summary>
    internal static class SecretManifests
    {
        internal static string Mask(string yaml, Action<string> learn)
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
            var spans = new List<(int Start, int End)>();
            foreach (YamlDocument doc in stream.Documents)
            {
                if (!(doc.RootNode is YamlMappingNode root) || !IsSecret(root))
                {
                    continue;
                }
                foreach (string section in new[] { "data", "stringData" })
                {
                    if (root.Children.TryGetValue(new YamlScalarNode(section), out YamlNode? node) && node is YamlMappingNode entries)
                    {
                        foreach (YamlNode value in entries.Children.Values)
                        {
                            if (value is YamlScalarNode scalar && !string.IsNullOrEmpty(scalar.Value))
                            {
                                learn(scalar.Value!);
                            }
                            spans.Add(((int)value.Start.Index, (int)value.End.Index));
                        }
                    }
                }
            }
            string text = yaml;
            foreach ((int start, int end) in spans.OrderByDescending(s => s.Start))
            {
                text = text.Substring(0, start) + SecretRedactor.Mask + text.Substring(end);
            }
            return text;
        }

        private static bool IsSecret(YamlMappingNode root) =>
            root.Children.TryGetValue(new YamlScalarNode("kind"), out YamlNode? kind)
            && kind is YamlScalarNode k && k.Value == "Secret";
    }
}
