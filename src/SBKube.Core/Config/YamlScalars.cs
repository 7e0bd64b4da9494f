using System;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Config
{
    /// <summary>YAML 1.2 core schema scalar resolution (what Helm's YAML reader yields) and JsonNode conversion.</summary>
    internal static class YamlScalars
    {
        private const string TagStr = "tag:yaml.org,2002:str";
        private const string TagInt = "tag:yaml.org,2002:int";
        private const string TagFloat = "tag:yaml.org,2002:float";
        private const string TagBool = "tag:yaml.org,2002:bool";
        private const string TagNull = "tag:yaml.org,2002:null";

        internal static readonly Regex IntDec = new Regex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant);
        internal static readonly Regex IntOct = new Regex(@"^0o[0-7]+$", RegexOptions.CultureInvariant);
        internal static readonly Regex IntHex = new Regex(@"^0x[0-9a-fA-F]+$", RegexOptions.CultureInvariant);
        internal static readonly Regex Float = new Regex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);
        internal static readonly Regex Special = new Regex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant);

        public static bool IsNullText(string s) => s.Length == 0 || s == "~" || s == "null" || s == "Null" || s == "NULL";

        public static bool? BoolText(string s)
        {
            switch (s)
            {
                case "true":
                case "True":
                case "TRUE":
                    return true;
                case "false":
                case "False":
                case "FALSE":
                    return false;
                default:
                    return null;
            }
        }

        /// <summary>Resolves a scalar node to a JSON value (null for YAML null).</summary>
        public static JsonNode? Resolve(YNode n)
        {
            if (n.Tag != null)
            {
                switch (n.Tag)
                {
                    case TagStr:
                    case "!":
                        return JsonValue.Create(n.Text);
                    case TagNull:
                        return null;
                    case TagBool:
                        return BoolText(n.Text) is bool b ? JsonValue.Create(b) : JsonValue.Create(n.Text);
                    case TagInt:
                        return ResolvePlain(n.Text, intOnly: true) ?? JsonValue.Create(n.Text);
                    case TagFloat:
                        return ResolvePlain(n.Text, intOnly: false) ?? JsonValue.Create(n.Text);
                }
            }
            if (!n.Plain) return JsonValue.Create(n.Text);
            if (IsNullText(n.Text)) return null;
            return ResolvePlain(n.Text, intOnly: false) ?? JsonValue.Create(n.Text);
        }

        /// <summary>A typed value for a plain scalar, or null when the text is a string (or null).</summary>
        private static JsonNode? ResolvePlain(string s, bool intOnly)
        {
            if (BoolText(s) is bool b) return intOnly ? null : JsonValue.Create(b);
            if (IntDec.IsMatch(s))
            {
                if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                if (decimal.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var dm)) return JsonValue.Create(dm);
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var dd) && !double.IsInfinity(dd)) return JsonValue.Create(dd);
                return null;
            }
            if (IntOct.IsMatch(s))
            {
                try { return JsonValue.Create(Convert.ToInt64(s.Substring(2), 8)); }
                catch (OverflowException) { return null; }
            }
            if (IntHex.IsMatch(s))
            {
                if (long.TryParse(s.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) && h >= 0) return JsonValue.Create(h);
                return null;
            }
            if (intOnly) return null;
            if (Float.IsMatch(s))
            {
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsInfinity(d) && !double.IsNaN(d))
                    return JsonValue.Create(d);
                return null;
            }
            return null;
        }

        /// <summary>True when a plain scalar with this text would not be read back as the same string.</summary>
        public static bool ResolvesToNonString(string s)
            => IsNullText(s) || BoolText(s) != null || IntDec.IsMatch(s) || IntOct.IsMatch(s) || IntHex.IsMatch(s) || Float.IsMatch(s) || Special.IsMatch(s);

        public static JsonNode? ToJson(YNode n)
        {
            switch (n.Kind)
            {
                case YKind.Mapping:
                {
                    var obj = new JsonObject();
                    foreach (var p in n.Pairs!)
                    {
                        var key = p.Key.Text;
                        if (obj.ContainsKey(key)) continue;
                        obj[key] = ToJson(p.Value);
                    }
                    return obj;
                }
                case YKind.Sequence:
                {
                    var arr = new JsonArray();
                    foreach (var item in n.Items!) arr.Add(ToJson(item));
                    return arr;
                }
                default:
                    return Resolve(n);
            }
        }
    }
}
