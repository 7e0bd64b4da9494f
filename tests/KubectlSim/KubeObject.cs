using System;
using System.Text.Json.Nodes;

namespace KubectlSim
{
    /// <summary>An object kubectl read from a manifest or named on the command line.</summary>
    internal sealed class KubeObject
    {
        public JsonObject Body = null!;
        public string Kind = "";
        public string Group = "";
        public string Name = "";
        public string Ns = "";
        public string File = "";
        public string Resource => Kind.ToLowerInvariant() + (Group.Length > 0 ? "." + Group : "");
        public string Plural => Pluralize(Kind.ToLowerInvariant()) + (Group.Length > 0 ? "." + Group : "");

        private static string Pluralize(string k)
        {
            if (k.EndsWith("s", StringComparison.Ordinal)) return k + "es";
            if (k.EndsWith("y", StringComparison.Ordinal) && !k.EndsWith("ay", StringComparison.Ordinal)) return k.Substring(0, k.Length - 1) + "ies";
            return k + "s";
        }
    }
}
