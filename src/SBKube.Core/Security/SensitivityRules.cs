using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Security
{
    /// <summary>
    /// An app's own corrections to the secret rules (config.yaml <c>sensitive:</c> and <c>not_sensitive:</c>):
    /// values paths such as <c>auth.password</c> or <c>extraEnv[0].value</c>, relative to the values root.
    /// </summary>
    public sealed class SensitivityRules
    {
        public static readonly SensitivityRules None = new SensitivityRules(Array.Empty<string>(), Array.Empty<string>());

        /// <summary>Dotted keys, each optionally followed by [index]: what a path in the lists must look like.</summary>
        public const string PathRule = "a values path of dotted keys such as auth.password or extraEnv[0].value";

        private static readonly Regex PathPattern = new Regex(@"^[^.\[\]\s]+(\[\d+\])*(\.[^.\[\]\s]+(\[\d+\])*)*$", RegexOptions.CultureInvariant);

        private readonly HashSet<string> _sensitive;
        private readonly HashSet<string> _notSensitive;

        public SensitivityRules(IEnumerable<string> sensitive, IEnumerable<string> notSensitive)
        {
            _sensitive = new HashSet<string>(sensitive, StringComparer.Ordinal);
            _notSensitive = new HashSet<string>(notSensitive, StringComparer.Ordinal);
        }

        public static bool IsPath(string? path) => path != null && PathPattern.IsMatch(path);

        /// <summary>The rules a snapshot was recorded with (its <c>sensitive</c> and <c>not_sensitive</c> lists).</summary>
        public static SensitivityRules Of(JsonObject snapshot)
        {
            IEnumerable<string> Paths(string key) => snapshot[key] is JsonArray a
                ? a.Select(p => p is JsonValue v && v.TryGetValue(out string? s) ? s : null).Where(s => s != null).Select(s => s!)
                : Enumerable.Empty<string>();
            return snapshot["sensitive"] == null && snapshot["not_sensitive"] == null ? None : new SensitivityRules(Paths("sensitive"), Paths("not_sensitive"));
        }

        /// <summary>True: mask this path; false: never mask it; null: the general rules decide.</summary>
        internal bool? Decide(string path) => _notSensitive.Contains(path) ? false : _sensitive.Contains(path) ? true : (bool?)null;
    }
}
