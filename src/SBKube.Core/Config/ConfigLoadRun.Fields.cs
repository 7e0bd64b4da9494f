using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Config
{
    /// <summary>Typed field readers, and the paths and files an app names.</summary>
    internal sealed partial class ConfigLoadRun
    {
        // ------------------------------------------------------------------ field readers

        private static string? Val(YNode n) => n.Kind == YKind.Scalar ? n.Text : null;

        private string? ReadString(string file, YNode v, string what)
        {
            if (v.Kind != YKind.Scalar || v.IsNull)
            {
                Add(file, v, ConfigIssueCodes.WrongType, $"{Cap(what)} must be a string, got {v.Describe()}.", Val(v), "a string");
                return null;
            }
            return v.Text;
        }

        private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

        private bool? ReadBool(YNode v, string key, string where)
        {
            if (v.Kind == YKind.Scalar && YamlScalars.Resolve(v) is JsonValue jv && jv.GetValueKind() is var k
                && (k == System.Text.Json.JsonValueKind.True || k == System.Text.Json.JsonValueKind.False))
                return k == System.Text.Json.JsonValueKind.True;
            Add(_configFile, v, ConfigIssueCodes.WrongType, $"'{key}' {where} must be true or false, got {v.Describe()}.", Val(v), "true or false");
            return null;
        }

        private int? ReadNonNegativeInt(YNode v, string key, string where)
        {
            if (v.Kind == YKind.Scalar && YamlScalars.Resolve(v) is JsonValue jv && jv.TryGetValue<long>(out var l))
            {
                if (l < 0 || l > int.MaxValue)
                {
                    Add(_configFile, v, ConfigIssueCodes.InvalidValue, $"'{key}' {where} must be 0 or more, got {v.Text}.", v.Text, "an integer >= 0");
                    return null;
                }
                return (int)l;
            }
            Add(_configFile, v, ConfigIssueCodes.WrongType, $"'{key}' {where} must be an integer, got {v.Describe()}.", Val(v), "an integer >= 0");
            return null;
        }

        private string? ReadDuration(YNode v, string where)
        {
            if (v.Kind != YKind.Scalar || v.IsNull)
            {
                Add(_configFile, v, ConfigIssueCodes.WrongType, $"'timeout' {where} must be a duration, got {v.Describe()}.", Val(v), DurationRule);
                return null;
            }
            var t = v.Text;
            if (DurationText.IsGoDuration(t)) return t;
            var hint = YamlScalars.IntDec.IsMatch(t) && !t.StartsWith("-", StringComparison.Ordinal)
                ? $" (a bare number has no unit; did you mean '{t.TrimStart('+')}s'?)"
                : "";
            Add(_configFile, v, ConfigIssueCodes.InvalidDuration, $"Invalid timeout '{t}' {where}{hint}; expected {DurationRule}.", t, DurationRule);
            return null;
        }

        private List<(string, YNode)> ReadStringList(YNode v, string key, string where)
        {
            var list = new List<(string, YNode)>();
            if (v.IsNull) return list;
            if (v.Kind == YKind.Scalar)
            {
                list.Add((v.Text, v));
                return list;
            }
            if (v.Kind == YKind.Mapping)
            {
                Add(_configFile, v, ConfigIssueCodes.WrongType, $"'{key}' {where} must be a list of strings (or one string), got a map.", null, "a list of strings");
                return list;
            }
            foreach (var item in v.Items!)
            {
                if (item.Kind != YKind.Scalar || item.IsNull)
                    Add(_configFile, item, ConfigIssueCodes.WrongType, $"Each entry of '{key}' {where} must be a string, got {item.Describe()}.", Val(item), "a string");
                else
                    list.Add((item.Text, item));
            }
            return list;
        }

        /// <summary>The values paths of <c>sensitive:</c> / <c>not_sensitive:</c>; each malformed one is an issue.</summary>
        private IReadOnlyList<string> ReadValuePaths(YNode v, string key, string where)
        {
            var paths = new List<string>();
            foreach (var (path, node) in ReadStringList(v, key, where))
            {
                if (Security.SensitivityRules.IsPath(path))
                    paths.Add(path);
                else
                    Add(_configFile, node, ConfigIssueCodes.InvalidValue,
                        $"'{path}' in '{key}' {where} is not a values path; expected {Security.SensitivityRules.PathRule}.", path, Security.SensitivityRules.PathRule);
            }
            return paths;
        }

        private bool CheckLabel(string file, YNode at, string value, string what)
        {
            var why = ConfigText.ExplainLabel(value);
            if (why == null) return true;
            Add(file, at, ConfigIssueCodes.InvalidName, $"{what} '{value}' is invalid: {why}; expected {ConfigText.LabelRule}.", value, ConfigText.LabelRule);
            return false;
        }

        private JsonObject ReadSet(YNode v, string where)
        {
            var obj = new JsonObject();
            if (v.IsNull) return obj;
            if (v.Kind != YKind.Mapping)
            {
                Add(_configFile, v, ConfigIssueCodes.WrongType, $"'set' {where} must be a map of value path to value, got {v.Describe()}.", Val(v), "a map such as {master.persistence.size: 2Gi}");
                return obj;
            }
            foreach (var p in v.Pairs!)
            {
                if (!ValuesMerger.TryParsePath(p.Key.Text, out _, out var error))
                {
                    Add(_configFile, p.Key, ConfigIssueCodes.InvalidValue, $"Invalid 'set' path '{p.Key.Text}' {where}: {error}.", p.Key.Text, "a dotted path such as a.b.c, a\\.b or list[0].name");
                    continue;
                }
                obj[p.Key.Text] = YamlScalars.ToJson(p.Value);
            }
            return obj;
        }

        // ------------------------------------------------------------------ paths and files

        private bool CheckInside(string full, YNode at, string written, string what)
        {
            if (ProjectPaths.IsInside(full, _dir)) return true;
            Add(_configFile, at, ConfigIssueCodes.PathOutsideProject,
                $"{what} '{written}' resolves outside the project directory {_dir}; only files inside it are allowed.", written, $"a path inside {_dir}");
            return false;
        }

        private string? ResolveValuesFile(string written, YNode at, string where)
        {
            if (written.Trim().Length == 0)
            {
                Add(_configFile, at, ConfigIssueCodes.InvalidValue, $"Empty values file name {where}.", written, "a values file path");
                return null;
            }
            string primary;
            try
            {
                primary = Path.GetFullPath(Path.Combine(_dir, written));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                Add(_configFile, at, ConfigIssueCodes.InvalidValue, $"Values file '{written}' {where} is not a valid path.", written, "a values file path");
                return null;
            }
            if (!CheckInside(primary, at, written, $"Values file of {where.Substring(3)}")) return null;
            string? found = null;
            if (File.Exists(primary)) found = primary;
            string? fallback = null;
            if (found == null && !Path.IsPathRooted(written))
            {
                fallback = Path.GetFullPath(Path.Combine(_dir, "values", written));
                if (File.Exists(fallback))
                {
                    if (!CheckInside(fallback, at, written, $"Values file of {where.Substring(3)}")) return null;
                    found = fallback;
                }
            }
            if (found == null)
            {
                var looked = fallback != null ? $"{primary} or {fallback}" : primary;
                Add(_configFile, at, ConfigIssueCodes.MissingFile, $"Values file '{written}' {where} not found (looked for {looked}).", written, "an existing values file");
                return null;
            }
            CheckValuesFile(found);
            return found;
        }

        private void CheckValuesFile(string file)
        {
            if (!_parsedYamlFiles.Add(file)) return;
            var result = ParseFile(file, YamlValues.MaxValuesFileBytes, YamlLimits.Values);
            if (result == null) return;
            if (result.Documents.Count > 1)
                Add(file, result.Documents[1], ConfigIssueCodes.MalformedYaml, "A values file must hold a single YAML document, found another one ('---').", null, "one YAML document");
            if (result.Documents.Count > 0)
            {
                var root = result.Documents[0];
                if (!root.IsNull && root.Kind != YKind.Mapping)
                    Add(file, root, ConfigIssueCodes.WrongType, $"A values file must be a map at the top level, got {root.Describe()}.", Val(root), "a map (key: value)");
            }
        }

        private IReadOnlyList<string> ResolveManifests(YNode v, string where)
        {
            var result = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (written, at) in ReadStringList(v, "manifests", where))
            {
                if (written.Trim().Length == 0)
                {
                    Add(_configFile, at, ConfigIssueCodes.InvalidValue, $"Empty manifest path {where}.", written, "a file or glob");
                    continue;
                }
                if (ProjectPaths.IsGlob(written))
                {
                    var segs = written.Split('/', '\\');
                    var literal = string.Join("/", segs.TakeWhile(s => !ProjectPaths.IsGlob(s)));
                    var baseDir = Path.GetFullPath(Path.Combine(_dir, literal.Length == 0 ? "." : literal));
                    if (!CheckInside(baseDir, at, written, $"Manifest glob of {where.Substring(3)}")) continue;
                    var matches = ProjectPaths.ExpandGlob(_dir, written);
                    if (matches.Count == 0)
                    {
                        Add(_configFile, at, ConfigIssueCodes.MissingFile, $"Manifest glob '{written}' {where} matches no file.", written, "a glob matching at least one file");
                        continue;
                    }
                    foreach (var m in matches)
                    {
                        if (!ProjectPaths.IsInside(m, _dir))
                        {
                            Add(_configFile, at, ConfigIssueCodes.PathOutsideProject,
                                $"Manifest glob '{written}' {where} matches '{m}', which resolves outside the project directory {_dir}.", written, $"a path inside {_dir}");
                            continue;
                        }
                        CheckManifestFile(m);
                        result.Add(m);
                    }
                    continue;
                }
                string full;
                try
                {
                    full = Path.GetFullPath(Path.Combine(_dir, written));
                }
                catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
                {
                    Add(_configFile, at, ConfigIssueCodes.InvalidValue, $"Manifest '{written}' {where} is not a valid path.", written, "a file or glob");
                    continue;
                }
                if (!CheckInside(full, at, written, $"Manifest of {where.Substring(3)}")) continue;
                if (Directory.Exists(full))
                {
                    Add(_configFile, at, ConfigIssueCodes.MissingFile, $"Manifest '{written}' {where} is a directory; list files or use a glob such as '{written.TrimEnd('/', '\\')}/*.yaml'.", written, "a file or glob");
                    continue;
                }
                if (!File.Exists(full))
                {
                    Add(_configFile, at, ConfigIssueCodes.MissingFile, $"Manifest '{written}' {where} not found (looked for {full}).", written, "an existing manifest file");
                    continue;
                }
                CheckManifestFile(full);
                result.Add(full);
            }
            return result.ToList();
        }

        private void CheckManifestFile(string file)
        {
            if (!_parsedYamlFiles.Add(file)) return;
            var result = ParseFile(file, YamlValues.MaxValuesFileBytes, YamlLimits.Values);
            if (result == null) return;
            foreach (var doc in result.Documents)
            {
                if (!doc.IsNull && doc.Kind != YKind.Mapping)
                    Add(file, doc, ConfigIssueCodes.WrongType, $"Each manifest document must be a Kubernetes object (a map), got {doc.Describe()}.", Val(doc), "a map with apiVersion and kind");
            }
        }

        private static bool IsLocalChartSyntax(string chart)
            => chart == "." || chart == ".." || chart.StartsWith("./", StringComparison.Ordinal) || chart.StartsWith("../", StringComparison.Ordinal)
               || chart.StartsWith(".\\", StringComparison.Ordinal) || chart.StartsWith("..\\", StringComparison.Ordinal)
               || chart.StartsWith("/", StringComparison.Ordinal) || chart.StartsWith("~/", StringComparison.Ordinal) || Path.IsPathRooted(chart);

        private static string ExpandHome(string p)
        {
            if (p == "~" || p.StartsWith("~/", StringComparison.Ordinal) || p.StartsWith("~\\", StringComparison.Ordinal))
            {
                var home = Environment.GetEnvironmentVariable("HOME");
                if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                return p.Length <= 2 ? home! : Path.Combine(home!, p.Substring(2));
            }
            return p;
        }

        private static bool IsChartDir(string full)
            => (Directory.Exists(full) && File.Exists(Path.Combine(full, "Chart.yaml")))
               || (File.Exists(full) && (full.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)));

        private void ResolveChart(AppConfig app, string chart, YNode at, string where, SourcesConfig sources)
        {
            const string expected = "repo/chart (repo from sources.yaml helm_repos), oci://host/path/chart, or a local path such as ./charts/x";
            if (chart.StartsWith("oci://", StringComparison.OrdinalIgnoreCase))
            {
                var rest = chart.Substring(6);
                var slash = rest.IndexOf('/');
                if (slash <= 0 || slash == rest.Length - 1 || rest.Any(char.IsWhiteSpace))
                    Add(_configFile, at, ConfigIssueCodes.InvalidValue, $"OCI chart '{chart}' {where} is incomplete; expected oci://host/path/chart.", chart, "oci://host/path/chart");
                return;
            }
            if (IsLocalChartSyntax(chart))
            {
                string full;
                try
                {
                    full = Path.GetFullPath(Path.Combine(_dir, ExpandHome(chart)));
                }
                catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
                {
                    Add(_configFile, at, ConfigIssueCodes.InvalidValue, $"Chart path '{chart}' {where} is not a valid path.", chart, expected);
                    return;
                }
                if (!Directory.Exists(full) && !File.Exists(full))
                {
                    Add(_configFile, at, ConfigIssueCodes.MissingFile, $"Local chart '{chart}' {where} not found (looked for {full}).", chart, "a chart directory containing Chart.yaml");
                    return;
                }
                if (!IsChartDir(full))
                {
                    Add(_configFile, at, ConfigIssueCodes.MissingFile, $"Local chart '{chart}' {where} has no Chart.yaml (looked in {full}).", chart, "a chart directory containing Chart.yaml");
                    return;
                }
                app.ChartPath = full;
                return;
            }
            var parts = chart.Split('/');
            if (parts.Length == 2 && RepoNameRegex.IsMatch(parts[0]) && ChartNameRegex.IsMatch(parts[1]))
            {
                if (sources.FindRepo(parts[0]) != null) return;
                var local = SafeFull(chart);
                if (local != null && IsChartDir(local))
                {
                    app.ChartPath = local;
                    return;
                }
                var known = sources.HelmRepos.Select(r => r.Name).ToList();
                var knownText = sources.File == null
                    ? "no sources.yaml was found next to config.yaml or in its parent directory"
                    : known.Count == 0 ? $"{sources.File} defines no helm_repos" : $"known repositories in {sources.File}: {string.Join(", ", known)}";
                Add(_configFile, at, ConfigIssueCodes.UnknownRepo,
                    $"Chart '{chart}' {where} uses repository '{parts[0]}', which is not in sources.yaml helm_repos{ConfigText.Hint(parts[0], known)}; {knownText}.",
                    chart, known.Count == 0 ? "a repository defined in sources.yaml helm_repos" : "one of: " + string.Join(", ", known));
                return;
            }
            if (parts.Length == 1 && chart.Length > 0)
            {
                var local = SafeFull(chart);
                if (local != null && IsChartDir(local))
                {
                    app.ChartPath = local;
                    return;
                }
            }
            Add(_configFile, at, ConfigIssueCodes.InvalidValue, $"Chart '{chart}' {where} is not a chart reference; expected {expected}.", chart, expected);
        }

        private string? SafeFull(string rel)
        {
            try { return Path.GetFullPath(Path.Combine(_dir, rel)); }
            catch (Exception) { return null; }
        }
    }
}
