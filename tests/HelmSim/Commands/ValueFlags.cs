using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace HelmSim.Commands
{
    /// <summary>The user-supplied values of helm upgrade/install: -f files, then --set-json, --set, --set-string, --set-file, --set-literal.</summary>
    internal static class ValueFlags
    {
        /// <summary>All value flags merged in Helm's order; null when none gave a value.</summary>
        public static JsonObject? Merge(ParsedArgs p)
        {
            var vals = new JsonObject();
            foreach (string f in p.All("values"))
            {
                Values.MergeInto(vals, Values.ReadValuesFile(f));
            }
            foreach (string s in p.All("set-json")) Values.ApplySet(vals, s, Values.SetMode.Json);
            foreach (string s in p.All("set")) Values.ApplySet(vals, s, Values.SetMode.Typed);
            foreach (string s in p.All("set-string")) Values.ApplySet(vals, s, Values.SetMode.String);
            foreach (string s in p.All("set-file"))
            {
                int eq = s.IndexOf('=');
                if (eq < 0) throw new SimException("key \"" + s + "\" has no value");
                string file = s.Substring(eq + 1);
                if (!File.Exists(file)) throw new SimException("open " + file + ": no such file or directory");
                // Build the key path with a placeholder, then put the file's text at its leaf, so commas or escapes in the text are not read as --set syntax.
                var tmp = new JsonObject();
                Values.ApplySet(tmp, s.Substring(0, eq) + "=x", Values.SetMode.String);
                SetLeaf(tmp, File.ReadAllText(file));
                Values.MergeInto(vals, tmp);
            }
            foreach (string s in p.All("set-literal")) Values.ApplySet(vals, s, Values.SetMode.Literal);
            return vals.Count == 0 ? null : vals;
        }

        private static void SetLeaf(JsonObject o, string value)
        {
            foreach (var kv in o.ToList())
            {
                if (kv.Value is JsonObject child) SetLeaf(child, value);
                else o[kv.Key] = value;
            }
        }
    }
}
