using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeStandIn
{
    /// <summary>A YAML request body (kubectl may send apply patches as YAML) as the JSON object it stands for.</summary>
    internal static class YamlDocument
    {
        public static JsonObject ToJson(string text)
        {
            var stream = new YamlStream();
            try { stream.Load(new StringReader(text)); }
            catch (YamlException e) { throw new InvalidDataException("the request body is neither JSON nor YAML: " + e.Message); }
            if (stream.Documents.Count == 0 || Convert(stream.Documents[0].RootNode) is not JsonObject obj)
                throw new InvalidDataException("the request body is not an object");
            return obj;
        }

        private static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(p => new System.Collections.Generic.KeyValuePair<string, JsonNode?>(((YamlScalarNode)p.Key).Value ?? "", Convert(p.Value)))),
            YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
            YamlScalarNode s => Scalar(s),
            _ => null,
        };

        private static JsonNode? Scalar(YamlScalarNode s)
        {
            string v = s.Value ?? "";
            if (s.Style != ScalarStyle.Plain) return v;
            if (v is "" or "~" or "null") return null;
            if (v is "true" or "false") return v == "true";
            if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
            if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
            return v;
        }
    }
}
