using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Config
{
    /// <summary>Typed field readers, and the paths and files an app names, reporting to one <see cref="ConfigReadContext"/>.</summary>
    internal sealed class ConfigFieldReader
    {
        private const string DurationRule = "a Go duration such as 300s, 5m or 1h30m";
        /// <summary>A repository name, and the chart name after "repo/": Helm's rule for both.</summary>
        internal static readonly Regex RepoNameRegex = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);

        private readonly ConfigReadContext _ctx;

        internal ConfigFieldReader(ConfigReadContext ctx) => _ctx = ctx;

        // ------------------------------------------------------------------ field readers

        internal static string? Val(YNode n) => n.Kind == YKind.Scalar ? n.Text : null;

        internal string? ReadString(string file, YNode v, string what)
        {
            if (v.Kind != YKind.Scalar || v.IsNull)
            {
                _ctx.Add(file, v, ConfigIssueCodes.WrongType, $"{Cap(what)} must be a string, got {v.Describe()}.", Val(v), "a string");
                return null;
            }
            return v.Text;
        }

        internal static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

        /// <summary>A true/false value; an issue in <paramref name="file"/> (config.yaml when not given) otherwise.</summary>
        internal bool? ReadBool(YNode v, string key, string where, string? file = null)
        {
            if (AsBool(v) is bool b) return b;
            _ctx.Add(file ?? _ctx.ConfigFile, v, ConfigIssueCodes.WrongType, $"'{key}' {where} must be true or false, got {v.Describe()}.", Val(v), "true or false");
            return null;
        }

        /// <summary>true, false or one of <paramref name="words"/> (as written); an issue in config.yaml otherwise.</summary>
        internal (bool? Flag, string? Word) ReadBoolOrWord(YNode v, string key, string where, IReadOnlyList<string> words)
        {
            if (AsBool(v) is bool b) return (b, null);
            if (v.Kind == YKind.Scalar && !v.IsNull && words.Contains(v.Text, StringComparer.Ordinal))
                return (null, v.Text);
            string[] all = new[] { "true", "false" }.Concat(words).ToArray();
            string expected = string.Join(", ", all.Take(all.Length - 1)) + " or " + all[all.Length - 1];
            // A quoted "true" is a string where a boolean was meant: the wrong type, as ReadBool says.
            bool wrongType = v.Kind != YKind.Scalar || v.IsNull || v.Text.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Text.Equals("false", StringComparison.OrdinalIgnoreCase);
            _ctx.Add(_ctx.ConfigFile, v, wrongType ? ConfigIssueCodes.WrongType : ConfigIssueCodes.InvalidValue,
                $"'{key}' {where} must be {expected}, got {v.Describe()}.", Val(v), expected);
            return (null, null);
        }

        /// <summary>The value as YAML reads a plain true or false; null for anything else (a quoted "true" is a string).</summary>
        private static bool? AsBool(YNode v) =>
            v.Kind == YKind.Scalar && YamlScalars.Resolve(v) is JsonValue jv && jv.GetValueKind() is var k
                && (k == System.Text.Json.JsonValueKind.True || k == System.Text.Json.JsonValueKind.False)
                ? k == System.Text.Json.JsonValueKind.True
                : (bool?)null;

        internal int? ReadNonNegativeInt(YNode v, string key, string where)
        {
            if (v.Kind == YKind.Scalar && YamlScalars.Resolve(v) is JsonValue jv && jv.TryGetValue<long>(out var l))
            {
                if (l < 0 || l > int.MaxValue)
                {
                    _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.InvalidValue, $"'{key}' {where} must be 0 or more, got {v.Text}.", v.Text, "an integer >= 0");
                    return null;
                }
                return (int)l;
            }
            _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.WrongType, $"'{key}' {where} must be an integer, got {v.Describe()}.", Val(v), "an integer >= 0");
            return null;
        }

        internal string? ReadDuration(YNode v, string where)
        {
            if (v.Kind != YKind.Scalar || v.IsNull)
            {
                _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.WrongType, $"'timeout' {where} must be a duration, got {v.Describe()}.", Val(v), DurationRule);
                return null;
            }
            var t = v.Text;
            if (DurationText.IsGoDuration(t)) return t;
            var hint = YamlScalars.IntDec.IsMatch(t) && !t.StartsWith("-", StringComparison.Ordinal)
                ? $" (a bare number has no unit; did you mean '{t.TrimStart('+')}s'?)"
                : "";
            _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.InvalidDuration, $"Invalid timeout '{t}' {where}{hint}; expected {DurationRule}.", t, DurationRule);
            return null;
        }

        internal List<(string, YNode)> ReadStringList(YNode v, string key, string where)
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
                _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.WrongType, $"'{key}' {where} must be a list of strings (or one string), got a map.", null, "a list of strings");
                return list;
            }
            foreach (var item in v.Items!)
            {
                if (item.Kind != YKind.Scalar || item.IsNull)
                    _ctx.Add(_ctx.ConfigFile, item, ConfigIssueCodes.WrongType, $"Each entry of '{key}' {where} must be a string, got {item.Describe()}.", Val(item), "a string");
                else
                    list.Add((item.Text, item));
            }
            return list;
        }

        /// <summary>The values paths of <c>sensitive:</c> / <c>not_sensitive:</c>; each malformed one is an issue.</summary>
        internal IReadOnlyList<string> ReadValuePaths(YNode v, string key, string where)
        {
            var paths = new List<string>();
            foreach (var (path, node) in ReadStringList(v, key, where))
            {
                if (Security.SensitivityRules.IsPath(path))
                    paths.Add(path);
                else
                    _ctx.Add(_ctx.ConfigFile, node, ConfigIssueCodes.InvalidValue,
                        $"'{path}' in '{key}' {where} is not a values path; expected {Security.SensitivityRules.PathRule}.", path, Security.SensitivityRules.PathRule);
            }
            return paths;
        }

        internal bool CheckLabel(string file, YNode at, string value, string what)
        {
            var why = ConfigText.ExplainLabel(value);
            if (why == null) return true;
            _ctx.Add(file, at, ConfigIssueCodes.InvalidName, $"{what} '{value}' is invalid: {why}; expected {ConfigText.LabelRule}.", value, ConfigText.LabelRule);
            return false;
        }

        internal JsonObject ReadSet(YNode v, string where)
        {
            var obj = new JsonObject();
            if (v.IsNull) return obj;
            if (v.Kind != YKind.Mapping)
            {
                _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.WrongType, $"'set' {where} must be a map of value path to value, got {v.Describe()}.", Val(v), "a map such as {master.persistence.size: 2Gi}");
                return obj;
            }
            foreach (var p in v.Pairs!)
            {
                if (!ValuesMerger.TryParsePath(p.Key.Text, out _, out var error))
                {
                    _ctx.Add(_ctx.ConfigFile, p.Key, ConfigIssueCodes.InvalidValue, $"Invalid 'set' path '{p.Key.Text}' {where}: {error}.", p.Key.Text, "a dotted path such as a.b.c, a\\.b or list[0].name");
                    continue;
                }
                obj[p.Key.Text] = YamlScalars.ToJson(p.Value);
            }
            return obj;
        }

        // ------------------------------------------------------------------ paths and files

        internal bool CheckInside(string full, YNode at, string written, string what)
        {
            if (ProjectPaths.IsInside(full, _ctx.Dir)) return true;
            _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.PathOutsideProject,
                $"{what} '{written}' resolves outside the project directory {_ctx.Dir}; only files inside it are allowed.", written, $"a path inside {_ctx.Dir}");
            return false;
        }

        internal string? ResolveValuesFile(string written, YNode at, string where)
        {
            if (written.Trim().Length == 0)
            {
                _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.InvalidValue, $"Empty values file name {where}.", written, "a values file path");
                return null;
            }
            string primary;
            try
            {
                primary = Path.GetFullPath(Path.Combine(_ctx.Dir, written));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.InvalidValue, $"Values file '{written}' {where} is not a valid path.", written, "a values file path");
                return null;
            }
            if (!CheckInside(primary, at, written, $"Values file of {where.Substring(3)}")) return null;
            string? found = null;
            if (File.Exists(primary)) found = primary;
            string? fallback = null;
            if (found == null && !Path.IsPathRooted(written))
            {
                fallback = Path.GetFullPath(Path.Combine(_ctx.Dir, "values", written));
                if (File.Exists(fallback))
                {
                    if (!CheckInside(fallback, at, written, $"Values file of {where.Substring(3)}")) return null;
                    found = fallback;
                }
            }
            if (found == null)
            {
                var looked = fallback != null ? $"{primary} or {fallback}" : primary;
                _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.MissingFile, $"Values file '{written}' {where} not found (looked for {looked}).", written, "an existing values file");
                return null;
            }
            CheckValuesFile(found);
            return found;
        }

        internal void CheckValuesFile(string file)
        {
            if (!_ctx.ParsedYamlFiles.Add(file)) return;
            var result = _ctx.ParseFile(file, YamlValues.MaxValuesFileBytes, YamlLimits.Values);
            if (result == null) return;
            if (result.Documents.Count > 1)
                _ctx.Add(file, result.Documents[1], ConfigIssueCodes.MalformedYaml, "A values file must hold a single YAML document, found another one ('---').", null, "one YAML document");
            if (result.Documents.Count > 0)
            {
                var root = result.Documents[0];
                if (!root.IsNull && root.Kind != YKind.Mapping)
                    _ctx.Add(file, root, ConfigIssueCodes.WrongType, $"A values file must be a map at the top level, got {root.Describe()}.", Val(root), "a map (key: value)");
            }
        }

        internal IReadOnlyList<string> ResolveManifests(YNode v, string where)
        {
            var result = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (written, at) in ReadStringList(v, "manifests", where))
            {
                if (written.Trim().Length == 0)
                {
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.InvalidValue, $"Empty manifest path {where}.", written, "a file or glob");
                    continue;
                }
                if (ProjectPaths.IsGlob(written))
                {
                    var segs = written.Split('/', '\\');
                    var literal = string.Join("/", segs.TakeWhile(s => !ProjectPaths.IsGlob(s)));
                    var baseDir = Path.GetFullPath(Path.Combine(_ctx.Dir, literal.Length == 0 ? "." : literal));
                    if (!CheckInside(baseDir, at, written, $"Manifest glob of {where.Substring(3)}")) continue;
                    var matches = ProjectPaths.ExpandGlob(_ctx.Dir, written);
                    if (matches.Count == 0)
                    {
                        _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.MissingFile, $"Manifest glob '{written}' {where} matches no file.", written, "a glob matching at least one file");
                        continue;
                    }
                    foreach (var m in matches)
                    {
                        if (!ProjectPaths.IsInside(m, _ctx.Dir))
                        {
                            _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.PathOutsideProject,
                                $"Manifest glob '{written}' {where} matches '{m}', which resolves outside the project directory {_ctx.Dir}.", written, $"a path inside {_ctx.Dir}");
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
                    full = Path.GetFullPath(Path.Combine(_ctx.Dir, written));
                }
                catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
                {
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.InvalidValue, $"Manifest '{written}' {where} is not a valid path.", written, "a file or glob");
                    continue;
                }
                if (!CheckInside(full, at, written, $"Manifest of {where.Substring(3)}")) continue;
                if (Directory.Exists(full))
                {
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.MissingFile, $"Manifest '{written}' {where} is a directory; list files or use a glob such as '{written.TrimEnd('/', '\\')}/*.yaml'.", written, "a file or glob");
                    continue;
                }
                if (!File.Exists(full))
                {
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.MissingFile, $"Manifest '{written}' {where} not found (looked for {full}).", written, "an existing manifest file");
                    continue;
                }
                CheckManifestFile(full);
                result.Add(full);
            }
            return result.ToList();
        }

        internal void CheckManifestFile(string file)
        {
            if (!_ctx.ParsedYamlFiles.Add(file)) return;
            var result = _ctx.ParseFile(file, YamlValues.MaxValuesFileBytes, YamlLimits.Values);
            if (result == null) return;
            foreach (var doc in result.Documents)
            {
                if (!doc.IsNull && doc.Kind != YKind.Mapping)
                    _ctx.Add(file, doc, ConfigIssueCodes.WrongType, $"Each manifest document must be a Kubernetes object (a map), got {doc.Describe()}.", Val(doc), "a map with apiVersion and kind");
            }
        }

        internal static bool IsLocalChartSyntax(string chart)
            => chart == "." || chart == ".." || chart.StartsWith("./", StringComparison.Ordinal) || chart.StartsWith("../", StringComparison.Ordinal)
               || chart.StartsWith(".\\", StringComparison.Ordinal) || chart.StartsWith("..\\", StringComparison.Ordinal)
               || chart.StartsWith("/", StringComparison.Ordinal) || chart.StartsWith("~/", StringComparison.Ordinal) || Path.IsPathRooted(chart);

        internal static string ExpandHome(string p)
        {
            if (p == "~" || p.StartsWith("~/", StringComparison.Ordinal) || p.StartsWith("~\\", StringComparison.Ordinal))
            {
                var home = Environment.GetEnvironmentVariable("HOME");
                if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                return p.Length <= 2 ? home! : Path.Combine(home!, p.Substring(2));
            }
            return p;
        }

        internal static bool IsChartDir(string full)
            => (Directory.Exists(full) && File.Exists(Path.Combine(full, "Chart.yaml")))
               || (File.Exists(full) && (full.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)));

        internal void ResolveChart(AppConfig app, string chart, YNode at, string where, SourcesConfig sources)
        {
            const string expected = "repo/chart (repo from sources.yaml helm_repos), oci://host/path/chart, or a local path such as ./charts/x";
            if (chart.StartsWith("oci://", StringComparison.OrdinalIgnoreCase))
            {
                var rest = chart.Substring(6);
                var slash = rest.IndexOf('/');
                if (slash <= 0 || slash == rest.Length - 1 || rest.Any(char.IsWhiteSpace))
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.InvalidValue, $"OCI chart '{chart}' {where} is incomplete; expected oci://host/path/chart.", chart, "oci://host/path/chart");
                else
                    app.Registry = sources.OciRegistries.FirstOrDefault(r => string.Equals(r.Host, rest.Substring(0, slash), StringComparison.OrdinalIgnoreCase));
                return;
            }
            if (IsLocalChartSyntax(chart))
            {
                string full;
                try
                {
                    full = Path.GetFullPath(Path.Combine(_ctx.Dir, ExpandHome(chart)));
                }
                catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
                {
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.InvalidValue, $"Chart path '{chart}' {where} is not a valid path.", chart, expected);
                    return;
                }
                if (!Directory.Exists(full) && !File.Exists(full))
                {
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.MissingFile, $"Local chart '{chart}' {where} not found (looked for {full}).", chart, "a chart directory containing Chart.yaml");
                    return;
                }
                if (!IsChartDir(full))
                {
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.MissingFile, $"Local chart '{chart}' {where} has no Chart.yaml (looked in {full}).", chart, "a chart directory containing Chart.yaml");
                    return;
                }
                app.ChartPath = full;
                return;
            }
            var parts = chart.Split('/');
            if (parts.Length == 2 && RepoNameRegex.IsMatch(parts[0]) && RepoNameRegex.IsMatch(parts[1]))
            {
                if (sources.FindRepo(parts[0]) is HelmRepository repository)
                {
                    app.Repository = repository;
                    return;
                }
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
                _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.UnknownRepo,
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
            _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.InvalidValue, $"Chart '{chart}' {where} is not a chart reference; expected {expected}.", chart, expected);
        }

        internal string? SafeFull(string rel)
        {
            try { return Path.GetFullPath(Path.Combine(_ctx.Dir, rel)); }
            catch (Exception) { return null; }
        }
    }
}
