using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Config
{
    /// <summary>
    /// Loads and strictly validates <c>config.yaml</c> and <c>sources.yaml</c>. Every problem is collected (with
    /// file, line, column, the offending value and what was expected) and reported at once.
    /// </summary>
    /// <remarks>
    /// <para>config.yaml: <c>namespace</c>, <c>apps</c> (map keyed by app name). See DESIGN.md section 4.</para>
    /// <para>sources.yaml (config directory, else its parent):</para>
    /// <code>
    /// kubeconfig: ~/.kube/config           # relative to sources.yaml's directory; ~ expanded
    /// kube_context: prod
    /// helm_repos:
    ///   bitnami: https://charts.bitnami.com/bitnami
    ///   private: {url: https://charts.example.com, username: ci, password: s3cret}
    /// oci_registries:                      # a list of hosts or {host, username, password} maps ...
    ///   - ghcr.io
    ///   - {host: registry.example.com:5000, username: ci, password: s3cret}
    /// # ... or a map keyed by host:  oci_registries: {ghcr.io: null, registry.example.com: {username: ci, password: x}}
    /// </code>
    /// <para>Credentials never appear in issues or ToString().</para>
    /// </remarks>
    public static class ConfigLoader
    {
        /// <summary>Largest config.yaml / sources.yaml accepted (1 MiB).</summary>
        public const long MaxConfigFileBytes = 1L << 20;

        /// <summary>Most nodes config.yaml / sources.yaml may expand to.</summary>
        public const long MaxConfigNodes = 100_000;

        public static readonly IReadOnlyList<string> ConfigFileNames = new[] { "config.yaml", "config.yml" };
        public static readonly IReadOnlyList<string> SourcesFileNames = new[] { "sources.yaml", "sources.yml" };

        /// <summary>
        /// Loads <paramref name="path"/> (a directory holding config.yaml, or the config file itself).
        /// <paramref name="namespaceOverride"/> replaces the top-level <c>namespace</c>; apps with their own keep it.
        /// Throws <see cref="ConfigException"/> listing every issue.
        /// </summary>
        public static SbkubeConfig Load(string path, string? namespaceOverride = null)
        {
            var run = new ConfigLoadRun();
            var config = run.Run(path, namespaceOverride);
            var issues = run.SortedIssues();
            if (issues.Count > 0 || config == null) throw new ConfigException(issues);
            return config;
        }

        /// <summary>All problems of the configuration at <paramref name="path"/>; empty when it is valid. Does not throw for config problems.</summary>
        public static IReadOnlyList<ConfigIssue> Validate(string path, string? namespaceOverride = null)
        {
            var run = new ConfigLoadRun();
            run.Run(path, namespaceOverride);
            return run.SortedIssues();
        }

        /// <summary>The config file for a directory or file path, or null when there is none.</summary>
        public static string? FindConfigFile(string path)
        {
            var full = Path.GetFullPath(path);
            if (File.Exists(full)) return full;
            if (Directory.Exists(full))
            {
                foreach (var n in ConfigFileNames)
                {
                    var f = Path.Combine(full, n);
                    if (File.Exists(f)) return f;
                }
            }
            return null;
        }

        /// <summary>sources.yaml in the config directory, else in its parent; null when neither exists.</summary>
        public static string? FindSourcesFile(string configDirectory)
        {
            var dirs = new List<string> { configDirectory };
            var parent = Path.GetDirectoryName(configDirectory.TrimEnd('/', '\\'));
            if (!string.IsNullOrEmpty(parent)) dirs.Add(parent!);
            foreach (var d in dirs)
            {
                foreach (var n in SourcesFileNames)
                {
                    var f = Path.Combine(d, n);
                    if (File.Exists(f)) return f;
                }
            }
            return null;
        }
    }

    internal sealed class ConfigLoadRun
    {
        private static readonly string[] TopKeys = { "namespace", "apps" };
        private static readonly string[] CommonKeys = { "type", "enabled", "namespace", "depends_on" };
        private static readonly string[] HelmKeys = { "chart", "version", "values", "set", "release_name", "wait", "timeout", "atomic", "create_namespace", "history_max" };
        private static readonly string[] YamlKeys = { "manifests" };
        private static readonly string[] SourcesKeys = { "kubeconfig", "kube_context", "helm_repos", "oci_registries" };
        private static readonly string[] RepoKeys = { "url", "username", "password" };
        private static readonly string[] OciKeys = { "host", "username", "password" };
        private static readonly string[] OciMapKeys = { "username", "password" };

        private const string ReleaseRule = "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 53 characters";
        private const string DurationRule = "a Go duration such as 300s, 5m or 1h30m";

        private static readonly Regex RepoNameRegex = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);
        private static readonly Regex ChartNameRegex = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);
        private static readonly Regex OciHostRegex = new Regex(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._/-]+)?$", RegexOptions.CultureInvariant);

        private readonly List<ConfigIssue> _issues = new List<ConfigIssue>();
        private readonly Dictionary<string, int> _fileOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly HashSet<string> _parsedYamlFiles = new HashSet<string>(StringComparer.Ordinal);
        private string _configFile = "";
        private string _dir = "";

        private sealed class AppInfo
        {
            public AppInfo(AppConfig app, YNode key, int index)
            {
                App = app;
                Key = key;
                Index = index;
            }

            public AppConfig App;
            public YNode Key;
            public int Index;
            public YNode? ReleaseNode;
            public string? OwnNamespace;
            public readonly List<(string Name, YNode Node)> Deps = new List<(string, YNode)>();
        }

        public List<ConfigIssue> SortedIssues()
        {
            return _issues
                .Select((issue, i) => (issue, i))
                .OrderBy(t => FileRank(t.issue.File))
                .ThenBy(t => t.issue.Line)
                .ThenBy(t => t.issue.Column)
                .ThenBy(t => t.i)
                .Select(t => t.issue)
                .ToList();
        }

        private int FileRank(string file)
        {
            if (!_fileOrder.TryGetValue(file, out var r))
            {
                r = _fileOrder.Count;
                _fileOrder[file] = r;
            }
            return r;
        }

        private void Add(string file, int line, int col, string code, string message, string? value = null, string? expected = null)
        {
            FileRank(file);
            _issues.Add(new ConfigIssue(file, line, col, code, message, value, expected));
        }

        private void Add(string file, YNode at, string code, string message, string? value = null, string? expected = null)
            => Add(file, at.Line, at.Column, code, message, value, expected);

        private void AddAll(IEnumerable<ConfigIssue> issues)
        {
            foreach (var i in issues)
            {
                FileRank(i.File);
                _issues.Add(i);
            }
        }

        /// <summary>Parses a file with limits; on a fatal problem records it and returns null.</summary>
        private YamlParseResult? ParseFile(string file, long maxBytes, YamlLimits limits)
        {
            try
            {
                var text = YamlValues.ReadBounded(file, maxBytes);
                var result = YamlTree.Parse(text, file, limits);
                AddAll(result.Issues);
                return result;
            }
            catch (ConfigException ex)
            {
                AddAll(ex.Issues);
                return null;
            }
        }

        public SbkubeConfig? Run(string path, string? namespaceOverride)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                Add("(config path)", 0, 0, ConfigIssueCodes.MissingFile, "No config path given.", path, "a directory containing config.yaml, or a config file");
                return null;
            }
            string full;
            try
            {
                full = Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                Add(path, 0, 0, ConfigIssueCodes.MissingFile, $"'{path}' is not a valid path: {ex.Message}", path, "a directory containing config.yaml, or a config file");
                return null;
            }
            var configFile = ConfigLoader.FindConfigFile(full);
            if (configFile == null)
            {
                var msg = Directory.Exists(full)
                    ? $"No config.yaml found in {full}."
                    : $"Config not found: {full} does not exist.";
                Add(full, 0, 0, ConfigIssueCodes.MissingFile, msg, full, "a directory containing config.yaml, or a config file");
                return null;
            }
            _configFile = configFile;
            _dir = Path.GetDirectoryName(configFile)!;
            FileRank(_configFile);

            var parsed = ParseFile(_configFile, ConfigLoader.MaxConfigFileBytes, YamlLimits.Config);

            var sources = LoadSources();

            if (namespaceOverride != null && !ConfigText.IsDns1123Label(namespaceOverride))
            {
                Add(_configFile, 0, 0, ConfigIssueCodes.InvalidName,
                    $"The namespace override '{namespaceOverride}' is not a valid namespace: {ConfigText.ExplainLabel(namespaceOverride)}; expected {ConfigText.LabelRule}.",
                    namespaceOverride, ConfigText.LabelRule);
            }

            if (parsed == null) return null;
            if (parsed.Documents.Count > 1)
            {
                var d = parsed.Documents[1];
                Add(_configFile, d, ConfigIssueCodes.MalformedYaml, "config.yaml must hold a single YAML document, found another one ('---').", null, "one YAML document");
            }
            var root = parsed.Documents.Count > 0 ? parsed.Documents[0] : null;
            var config = new SbkubeConfig { ConfigFile = _configFile, Directory = _dir, Sources = sources };
            if (root == null || root.IsNull)
            {
                Add(_configFile, 1, 1, ConfigIssueCodes.MissingField, "The config file is empty; expected a map with 'apps' (and optionally 'namespace').", null, "a map with 'apps'");
                return config;
            }
            if (root.Kind != YKind.Mapping)
            {
                Add(_configFile, root, ConfigIssueCodes.WrongType, $"The config file must be a map with 'namespace' and 'apps' at the top level, got {root.Describe()}.",
                    root.Kind == YKind.Scalar ? root.Text : null, "a map with 'apps'");
                return config;
            }

            string? topNamespace = null;
            YNode? appsNode = null;
            bool haveApps = false;
            foreach (var p in root.Pairs!)
            {
                switch (p.Key.Text)
                {
                    case "namespace":
                        topNamespace = ReadString(_configFile, p.Value, "'namespace' at the top level");
                        if (topNamespace != null) CheckLabel(_configFile, p.Value, topNamespace, "Namespace");
                        break;
                    case "apps":
                        haveApps = true;
                        if (p.Value.Kind == YKind.Mapping) appsNode = p.Value;
                        else if (!p.Value.IsNull)
                            Add(_configFile, p.Value, ConfigIssueCodes.WrongType, $"'apps' must be a map keyed by app name, got {p.Value.Describe()}.",
                                Val(p.Value), "a map of app name to settings");
                        break;
                    default:
                        Add(_configFile, p.Key, ConfigIssueCodes.UnknownKey,
                            $"Unknown key '{p.Key.Text}' at the top level{ConfigText.Hint(p.Key.Text, TopKeys)}; expected one of: {string.Join(", ", TopKeys)}.",
                            p.Key.Text, string.Join(", ", TopKeys));
                        break;
                }
            }
            if (!haveApps)
                Add(_configFile, root, ConfigIssueCodes.MissingField, "The config file has no 'apps' map.", null, "'apps: {name: {...}}'");

            config.Namespace = namespaceOverride ?? topNamespace;
            var defaultNamespace = namespaceOverride ?? topNamespace ?? "default";

            var infos = new List<AppInfo>();
            if (appsNode != null)
            {
                int index = 0;
                foreach (var p in appsNode.Pairs!)
                    infos.Add(ParseApp(p.Key, p.Value, index++, defaultNamespace, sources));
            }
            config.Apps = infos.Select(i => i.App).ToList();
            CrossCheck(infos);
            return config;
        }

        // ------------------------------------------------------------------ apps

        private AppInfo ParseApp(YNode keyNode, YNode value, int index, string defaultNamespace, SourcesConfig sources)
        {
            var name = keyNode.Text;
            var app = new AppConfig
            {
                Name = name,
                Location = new SourceLocation(_configFile, keyNode.Line, keyNode.Column),
                Namespace = defaultNamespace,
                ReleaseName = name,
            };
            var info = new AppInfo(app, keyNode, index);
            var where = $"in app '{name}'";
            if (!ConfigText.IsDns1123Label(name))
            {
                Add(_configFile, keyNode, ConfigIssueCodes.InvalidName,
                    $"App name '{name}' is invalid: {ConfigText.ExplainLabel(name)}; expected {ConfigText.LabelRule}.", name, ConfigText.LabelRule);
            }
            if (value.IsNull)
            {
                value = new YNode { Kind = YKind.Mapping, Pairs = new List<YPair>(), Line = value.Line, Column = value.Column };
            }
            if (value.Kind != YKind.Mapping)
            {
                Add(_configFile, value, ConfigIssueCodes.WrongType, $"App '{name}' must be a map of settings, got {value.Describe()}.", Val(value), "a map such as {chart: repo/chart}");
                return info;
            }

            // type first: it decides which keys are allowed.
            bool typeKnown = true;
            var typePair = value.Pairs!.FirstOrDefault(p => p.Key.Text == "type");
            if (typePair != null)
            {
                var t = ReadString(_configFile, typePair.Value, $"'type' {where}");
                if (t == "helm") app.Type = AppType.Helm;
                else if (t == "yaml") app.Type = AppType.Yaml;
                else
                {
                    typeKnown = false;
                    if (t != null)
                        Add(_configFile, typePair.Value, ConfigIssueCodes.InvalidValue,
                            $"Invalid type '{t}' {where}{ConfigText.Hint(t, new[] { "helm", "yaml" })}; expected helm or yaml.", t, "helm or yaml");
                }
            }

            YNode? chartNode = null;
            YNode? manifestsNode = null;
            string? chart = null;
            foreach (var p in value.Pairs!)
            {
                var key = p.Key.Text;
                var v = p.Value;
                if (typeKnown && app.Type == AppType.Helm && YamlKeys.Contains(key))
                {
                    Add(_configFile, p.Key, ConfigIssueCodes.UnknownKey,
                        $"Key '{key}' {where} is only valid for apps of type yaml, but this app is type helm; add 'type: yaml' or remove it.", key, string.Join(", ", CommonKeys.Concat(HelmKeys)));
                    continue;
                }
                if (typeKnown && app.Type == AppType.Yaml && HelmKeys.Contains(key))
                {
                    Add(_configFile, p.Key, ConfigIssueCodes.UnknownKey,
                        $"Key '{key}' {where} is only valid for apps of type helm, but this app is type yaml.", key, string.Join(", ", CommonKeys.Concat(YamlKeys)));
                    continue;
                }
                switch (key)
                {
                    case "type":
                        break;
                    case "enabled":
                        if (ReadBool(v, key, where) is bool en) app.Enabled = en;
                        break;
                    case "namespace":
                    {
                        var ns = ReadString(_configFile, v, $"'namespace' {where}");
                        if (ns != null && CheckLabel(_configFile, v, ns, $"Namespace of app '{name}'"))
                        {
                            info.OwnNamespace = ns;
                            app.Namespace = ns;
                        }
                        else if (ns != null)
                        {
                            info.OwnNamespace = ns;
                            app.Namespace = ns;
                        }
                        break;
                    }
                    case "depends_on":
                        foreach (var (dep, node) in ReadStringList(v, key, where))
                        {
                            if (!info.Deps.Any(d => d.Name == dep)) info.Deps.Add((dep, node));
                        }
                        app.DependsOn = info.Deps.Select(d => d.Name).ToList();
                        break;
                    case "chart":
                        chart = ReadString(_configFile, v, $"'chart' {where}");
                        if (chart != null && chart.Trim().Length == 0)
                        {
                            Add(_configFile, v, ConfigIssueCodes.InvalidValue, $"'chart' {where} is empty.", chart, "repo/chart, oci://host/path/chart or a local path");
                            chart = null;
                        }
                        chartNode = v;
                        app.Chart = chart;
                        break;
                    case "version":
                        app.Version = ReadString(_configFile, v, $"'version' {where}");
                        if (app.Version != null && app.Version.Trim().Length == 0)
                        {
                            Add(_configFile, v, ConfigIssueCodes.InvalidValue, $"'version' {where} is empty.", app.Version, "a chart version such as 17.13.2");
                            app.Version = null;
                        }
                        else if (app.Version != null && !ConfigText.IsChartVersion(app.Version))
                        {
                            Add(_configFile, v, ConfigIssueCodes.InvalidValue, $"'version' {where} is '{app.Version}', not {ConfigText.ChartVersionRule}.",
                                app.Version, ConfigText.ChartVersionRule);
                            app.Version = null;
                        }
                        break;
                    case "values":
                    {
                        var files = new List<string>();
                        foreach (var (f, node) in ReadStringList(v, key, where))
                        {
                            var resolved = ResolveValuesFile(f, node, where);
                            if (resolved != null && !files.Contains(resolved)) files.Add(resolved);
                        }
                        app.ValuesFiles = files;
                        break;
                    }
                    case "set":
                        app.Set = ReadSet(v, where);
                        break;
                    case "release_name":
                    {
                        var rn = ReadString(_configFile, v, $"'release_name' {where}");
                        if (rn != null)
                        {
                            app.ReleaseName = rn;
                            info.ReleaseNode = v;
                        }
                        break;
                    }
                    case "wait":
                        if (ReadBool(v, key, where) is bool w) app.Wait = w;
                        break;
                    case "atomic":
                        if (ReadBool(v, key, where) is bool a) app.Atomic = a;
                        break;
                    case "create_namespace":
                        if (ReadBool(v, key, where) is bool cn) app.CreateNamespace = cn;
                        break;
                    case "timeout":
                        app.Timeout = ReadDuration(v, where);
                        break;
                    case "history_max":
                        app.HistoryMax = ReadNonNegativeInt(v, key, where);
                        break;
                    case "manifests":
                        manifestsNode = v;
                        app.Manifests = ResolveManifests(v, where);
                        break;
                    default:
                    {
                        var valid = !typeKnown ? CommonKeys.Concat(HelmKeys).Concat(YamlKeys).ToArray()
                            : app.Type == AppType.Helm ? CommonKeys.Concat(HelmKeys).ToArray()
                            : CommonKeys.Concat(YamlKeys).ToArray();
                        var hint = ConfigText.DidYouMean(key, valid) ?? ConfigText.DidYouMean(key, CommonKeys.Concat(HelmKeys).Concat(YamlKeys));
                        Add(_configFile, p.Key, ConfigIssueCodes.UnknownKey,
                            $"Unknown key '{key}' {where}{(hint != null ? $" (did you mean '{hint}'?)" : "")}; expected one of: {string.Join(", ", valid)}.",
                            key, string.Join(", ", valid));
                        break;
                    }
                }
            }

            if (typeKnown && app.Type == AppType.Helm)
            {
                if (chartNode == null)
                    Add(_configFile, keyNode, ConfigIssueCodes.MissingField, $"App '{name}' (type helm) has no 'chart'.", null, "chart: repo/chart, oci://host/path/chart or a local path");
                else if (chart != null)
                    ResolveChart(app, chart, chartNode, where, sources);

                var rn = app.ReleaseName;
                var at = info.ReleaseNode ?? keyNode;
                var label = info.ReleaseNode != null ? "Release name" : "Release name (the app name)";
                if (!ConfigText.IsReleaseNameCharset(rn))
                    Add(_configFile, at, ConfigIssueCodes.InvalidName, $"{label} '{rn}' {where} is invalid; expected {ReleaseRule}.", rn, ReleaseRule);
                if (rn.Length > ConfigText.MaxReleaseNameLength)
                    Add(_configFile, at, ConfigIssueCodes.ReleaseNameTooLong,
                        $"{label} '{rn}' {where} is {rn.Length} characters long; Helm allows at most {ConfigText.MaxReleaseNameLength}{(info.ReleaseNode == null ? " (set a shorter 'release_name')" : "")}.",
                        rn, $"at most {ConfigText.MaxReleaseNameLength} characters");
            }
            if (typeKnown && app.Type == AppType.Yaml && manifestsNode == null)
                Add(_configFile, keyNode, ConfigIssueCodes.MissingField, $"App '{name}' (type yaml) has no 'manifests'.", null, "manifests: [file.yaml, dir/*.yaml]");
            return info;
        }

        private void CrossCheck(List<AppInfo> infos)
        {
            var byName = new Dictionary<string, AppInfo>(StringComparer.Ordinal);
            foreach (var i in infos) byName[i.App.Name] = i;

            // duplicate releases per namespace (enabled helm apps)
            var releases = new Dictionary<string, AppInfo>(StringComparer.Ordinal);
            foreach (var i in infos)
            {
                if (!i.App.Enabled || i.App.Type != AppType.Helm) continue;
                var k = i.App.Namespace + "/" + i.App.ReleaseName;
                if (releases.TryGetValue(k, out var first))
                {
                    var at = i.ReleaseNode ?? i.Key;
                    Add(_configFile, at, ConfigIssueCodes.DuplicateRelease,
                        $"Release '{i.App.ReleaseName}' of app '{i.App.Name}' in namespace '{i.App.Namespace}' is already used by app '{first.App.Name}' (line {first.Key.Line}); set a different 'release_name' or namespace.",
                        i.App.ReleaseName, "a release name unique within its namespace");
                }
                else
                {
                    releases[k] = i;
                }
            }

            // dependencies
            foreach (var i in infos)
            {
                foreach (var (dep, node) in i.Deps)
                {
                    if (!byName.TryGetValue(dep, out var target))
                    {
                        Add(_configFile, node, ConfigIssueCodes.UnknownDependency,
                            $"App '{i.App.Name}' depends on '{dep}', which is not an app in this config{ConfigText.Hint(dep, byName.Keys)}; known apps: {string.Join(", ", infos.Select(x => x.App.Name))}.",
                            dep, "the name of an app in 'apps'");
                    }
                    else if (i.App.Enabled && !target.App.Enabled)
                    {
                        Add(_configFile, node, ConfigIssueCodes.DisabledDependency,
                            $"App '{i.App.Name}' depends on '{dep}', which is disabled (enabled: false); enable it, disable '{i.App.Name}' too, or remove the dependency.",
                            dep, "a dependency on an enabled app");
                    }
                }
            }

            // cycles among enabled apps (Tarjan SCC, then one readable cycle per component)
            var enabled = infos.Where(i => i.App.Enabled).ToList();
            var idx = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int k = 0; k < enabled.Count; k++) idx[enabled[k].App.Name] = k;
            var edges = enabled.Select(i => i.Deps.Where(d => idx.ContainsKey(d.Name)).Select(d => idx[d.Name]).ToList()).ToList();
            foreach (var scc in StronglyConnected(edges))
            {
                var start = scc.Min();
                bool selfLoop = edges[start].Contains(start);
                if (scc.Count == 1 && !selfLoop) continue;
                var members = new HashSet<int>(scc);
                var path = FindCycle(start, edges, members);
                var names = path.Select(k => enabled[k].App.Name).ToList();
                names.Add(enabled[start].App.Name);
                var cycle = string.Join(" -> ", names);
                var nextName = names[1];
                var at = enabled[start].Deps.First(d => d.Name == nextName).Node;
                Add(_configFile, at, ConfigIssueCodes.DependencyCycle, $"Dependency cycle: {cycle}.", cycle, "dependencies without cycles");
            }
        }

        private static List<int> FindCycle(int start, List<List<int>> edges, HashSet<int> members)
        {
            // BFS shortest path from start back to start inside the component.
            var prev = new Dictionary<int, int>();
            var queue = new Queue<int>();
            foreach (var n in edges[start])
            {
                if (!members.Contains(n)) continue;
                if (n == start) return new List<int> { start };
                if (!prev.ContainsKey(n))
                {
                    prev[n] = start;
                    queue.Enqueue(n);
                }
            }
            while (queue.Count > 0)
            {
                var u = queue.Dequeue();
                foreach (var n in edges[u])
                {
                    if (!members.Contains(n)) continue;
                    if (n == start)
                    {
                        var path = new List<int>();
                        for (var c = u; c != start; c = prev[c]) path.Add(c);
                        path.Add(start);
                        path.Reverse();
                        return path;
                    }
                    if (!prev.ContainsKey(n))
                    {
                        prev[n] = u;
                        queue.Enqueue(n);
                    }
                }
            }
            return new List<int> { start };
        }

        private static List<List<int>> StronglyConnected(List<List<int>> edges)
        {
            int n = edges.Count, counter = 0;
            var index = Enumerable.Repeat(-1, n).ToArray();
            var low = new int[n];
            var onStack = new bool[n];
            var stack = new Stack<int>();
            var result = new List<List<int>>();
            for (int s = 0; s < n; s++)
            {
                if (index[s] >= 0) continue;
                // iterative Tarjan
                var work = new Stack<(int v, int e)>();
                work.Push((s, 0));
                index[s] = low[s] = counter++;
                stack.Push(s);
                onStack[s] = true;
                while (work.Count > 0)
                {
                    var (v, e) = work.Pop();
                    if (e < edges[v].Count)
                    {
                        work.Push((v, e + 1));
                        var w = edges[v][e];
                        if (index[w] < 0)
                        {
                            index[w] = low[w] = counter++;
                            stack.Push(w);
                            onStack[w] = true;
                            work.Push((w, 0));
                        }
                        else if (onStack[w])
                        {
                            low[v] = Math.Min(low[v], index[w]);
                        }
                        continue;
                    }
                    if (low[v] == index[v])
                    {
                        var comp = new List<int>();
                        int w;
                        do
                        {
                            w = stack.Pop();
                            onStack[w] = false;
                            comp.Add(w);
                        }
                        while (w != v);
                        result.Add(comp);
                    }
                    if (work.Count > 0)
                    {
                        var parent = work.Peek().v;
                        low[parent] = Math.Min(low[parent], low[v]);
                    }
                }
            }
            return result.OrderBy(c => c.Min()).ToList();
        }

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
            if (ConfigText.IsGoDuration(t)) return t;
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

        // ------------------------------------------------------------------ sources.yaml

        private SourcesConfig LoadSources()
        {
            var sources = new SourcesConfig();
            var file = ConfigLoader.FindSourcesFile(_dir);
            if (file == null) return sources;
            sources.File = file;
            FileRank(file);
            var parsed = ParseFile(file, ConfigLoader.MaxConfigFileBytes, YamlLimits.Config);
            if (parsed == null) return sources;
            if (parsed.Documents.Count > 1)
                Add(file, parsed.Documents[1], ConfigIssueCodes.MalformedYaml, "sources.yaml must hold a single YAML document, found another one ('---').", null, "one YAML document");
            if (parsed.Documents.Count == 0 || parsed.Documents[0].IsNull) return sources;
            var root = parsed.Documents[0];
            if (root.Kind != YKind.Mapping)
            {
                Add(file, root, ConfigIssueCodes.WrongType, $"sources.yaml must be a map at the top level, got {root.Describe()}.", Val(root), "a map with kubeconfig, kube_context, helm_repos, oci_registries");
                return sources;
            }
            var dir = Path.GetDirectoryName(file)!;
            foreach (var p in root.Pairs!)
            {
                var v = p.Value;
                switch (p.Key.Text)
                {
                    case "kubeconfig":
                    {
                        var kc = ReadString(file, v, "'kubeconfig' in sources.yaml");
                        if (kc == null) break;
                        string full;
                        try
                        {
                            full = Path.GetFullPath(Path.Combine(dir, ExpandHome(kc)));
                        }
                        catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
                        {
                            Add(file, v, ConfigIssueCodes.InvalidValue, $"'kubeconfig' '{kc}' in sources.yaml is not a valid path.", kc, "a kubeconfig file path");
                            break;
                        }
                        if (!File.Exists(full))
                            Add(file, v, ConfigIssueCodes.MissingFile, $"Kubeconfig '{kc}' in sources.yaml not found (looked for {full}).", kc, "an existing kubeconfig file");
                        sources.Kubeconfig = full;
                        break;
                    }
                    case "kube_context":
                    {
                        var ctx = ReadString(file, v, "'kube_context' in sources.yaml");
                        if (ctx != null && ctx.Trim().Length == 0)
                            Add(file, v, ConfigIssueCodes.InvalidValue, "'kube_context' in sources.yaml is empty.", ctx, "a kube context name");
                        else if (ctx != null && !ConfigText.IsKubeContextName(ctx))
                            Add(file, v, ConfigIssueCodes.InvalidValue, $"'kube_context' in sources.yaml is '{ctx}', not {ConfigText.KubeContextRule}.", ctx, ConfigText.KubeContextRule);
                        else sources.KubeContext = ctx;
                        break;
                    }
                    case "helm_repos":
                        sources.HelmRepos = ReadHelmRepos(file, v);
                        break;
                    case "oci_registries":
                        sources.OciRegistries = ReadOciRegistries(file, v);
                        break;
                    default:
                        Add(file, p.Key, ConfigIssueCodes.UnknownKey,
                            $"Unknown key '{p.Key.Text}' in sources.yaml{ConfigText.Hint(p.Key.Text, SourcesKeys)}; expected one of: {string.Join(", ", SourcesKeys)}.",
                            p.Key.Text, string.Join(", ", SourcesKeys));
                        break;
                }
            }
            return sources;
        }

        private List<HelmRepository> ReadHelmRepos(string file, YNode v)
        {
            var repos = new List<HelmRepository>();
            if (v.IsNull) return repos;
            if (v.Kind != YKind.Mapping)
            {
                Add(file, v, ConfigIssueCodes.WrongType, $"'helm_repos' in sources.yaml must be a map of name to URL (or to {{url, username, password}}), got {v.Describe()}.",
                    null, "a map such as {bitnami: https://charts.bitnami.com/bitnami}");
                return repos;
            }
            foreach (var p in v.Pairs!)
            {
                var name = p.Key.Text;
                var where = $"helm repo '{name}' in sources.yaml";
                if (!RepoNameRegex.IsMatch(name))
                    Add(file, p.Key, ConfigIssueCodes.InvalidName, $"Helm repo name '{name}' in sources.yaml is invalid; expected letters, digits, '.', '_' and '-' (no '/').", name, "letters, digits, '.', '_', '-'");
                var repo = new HelmRepository { Name = name };
                YNode? urlNode = null;
                if (p.Value.Kind == YKind.Scalar && !p.Value.IsNull)
                {
                    urlNode = p.Value;
                }
                else if (p.Value.Kind == YKind.Mapping)
                {
                    foreach (var q in p.Value.Pairs!)
                    {
                        switch (q.Key.Text)
                        {
                            case "url":
                                urlNode = q.Value;
                                break;
                            case "username":
                                repo.Username = ReadCredential(file, q.Value, "username", where);
                                break;
                            case "password":
                                repo.Password = ReadCredential(file, q.Value, "password", where);
                                break;
                            default:
                                Add(file, q.Key, ConfigIssueCodes.UnknownKey,
                                    $"Unknown key '{q.Key.Text}' in {where}{ConfigText.Hint(q.Key.Text, RepoKeys)}; expected one of: {string.Join(", ", RepoKeys)}.",
                                    q.Key.Text, string.Join(", ", RepoKeys));
                                break;
                        }
                    }
                    if (urlNode == null)
                        Add(file, p.Key, ConfigIssueCodes.MissingField, $"{Cap(where)} has no 'url'.", null, "url: https://...");
                }
                else
                {
                    Add(file, p.Value, ConfigIssueCodes.WrongType, $"{Cap(where)} must be a URL or a map {{url, username, password}}, got {(p.Value.IsNull ? "null" : "a list")}.",
                        null, "a URL or {url, username, password}");
                }
                if (urlNode != null)
                {
                    var url = ReadString(file, urlNode, $"'url' of {where}");
                    if (url != null)
                    {
                        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https") && !string.IsNullOrEmpty(uri.Host))
                            repo.Url = url;
                        else
                            Add(file, urlNode, ConfigIssueCodes.InvalidValue, $"URL '{ConfigText.RedactUrl(url)}' of {where} is not an http(s) URL.", ConfigText.RedactUrl(url), "an http:// or https:// URL");
                    }
                }
                repos.Add(repo);
            }
            return repos;
        }

        private string? ReadCredential(string file, YNode v, string key, string where)
        {
            if (v.IsNull) return null;
            if (v.Kind != YKind.Scalar)
            {
                Add(file, v, ConfigIssueCodes.WrongType, $"'{key}' of {where} must be a string, got {v.Describe()}.", null, "a string");
                return null;
            }
            return v.Text;
        }

        private List<OciRegistry> ReadOciRegistries(string file, YNode v)
        {
            // Shapes accepted:
            //   oci_registries: [ghcr.io, {host: registry.example.com, username: u, password: p}]
            //   oci_registries: {ghcr.io: null, registry.example.com: {username: u, password: p}}
            var list = new List<OciRegistry>();
            if (v.IsNull) return list;
            if (v.Kind == YKind.Sequence)
            {
                foreach (var item in v.Items!)
                {
                    if (item.Kind == YKind.Scalar && !item.IsNull)
                    {
                        if (CheckOciHost(file, item, item.Text)) list.Add(new OciRegistry { Host = item.Text });
                    }
                    else if (item.Kind == YKind.Mapping)
                    {
                        var reg = new OciRegistry();
                        YNode? hostNode = null;
                        foreach (var q in item.Pairs!)
                        {
                            switch (q.Key.Text)
                            {
                                case "host":
                                    hostNode = q.Value;
                                    break;
                                case "username":
                                    reg.Username = ReadCredential(file, q.Value, "username", "an OCI registry in sources.yaml");
                                    break;
                                case "password":
                                    reg.Password = ReadCredential(file, q.Value, "password", "an OCI registry in sources.yaml");
                                    break;
                                default:
                                    Add(file, q.Key, ConfigIssueCodes.UnknownKey,
                                        $"Unknown key '{q.Key.Text}' in an OCI registry in sources.yaml{ConfigText.Hint(q.Key.Text, OciKeys)}; expected one of: {string.Join(", ", OciKeys)}.",
                                        q.Key.Text, string.Join(", ", OciKeys));
                                    break;
                            }
                        }
                        if (hostNode == null)
                        {
                            Add(file, item, ConfigIssueCodes.MissingField, "An OCI registry in sources.yaml has no 'host'.", null, "host: registry.example.com");
                            continue;
                        }
                        var host = ReadString(file, hostNode, "'host' of an OCI registry in sources.yaml");
                        if (host != null && CheckOciHost(file, hostNode, host))
                        {
                            reg.Host = host;
                            list.Add(reg);
                        }
                    }
                    else
                    {
                        Add(file, item, ConfigIssueCodes.WrongType, $"Each OCI registry in sources.yaml must be a host or a map {{host, username, password}}, got {item.Describe()}.", null, "a host or {host, username, password}");
                    }
                }
                return list;
            }
            if (v.Kind == YKind.Mapping)
            {
                foreach (var p in v.Pairs!)
                {
                    var host = p.Key.Text;
                    if (!CheckOciHost(file, p.Key, host)) continue;
                    var reg = new OciRegistry { Host = host };
                    var where = $"OCI registry '{host}' in sources.yaml";
                    if (p.Value.Kind == YKind.Mapping)
                    {
                        foreach (var q in p.Value.Pairs!)
                        {
                            switch (q.Key.Text)
                            {
                                case "username":
                                    reg.Username = ReadCredential(file, q.Value, "username", where);
                                    break;
                                case "password":
                                    reg.Password = ReadCredential(file, q.Value, "password", where);
                                    break;
                                default:
                                    Add(file, q.Key, ConfigIssueCodes.UnknownKey,
                                        $"Unknown key '{q.Key.Text}' in {where}{ConfigText.Hint(q.Key.Text, OciMapKeys)}; expected one of: {string.Join(", ", OciMapKeys)}.",
                                        q.Key.Text, string.Join(", ", OciMapKeys));
                                    break;
                            }
                        }
                    }
                    else if (!p.Value.IsNull)
                    {
                        Add(file, p.Value, ConfigIssueCodes.WrongType, $"{Cap(where)} must be empty or a map {{username, password}}, got {(p.Value.Kind == YKind.Sequence ? "a list" : "a scalar")}.", null, "{username, password}");
                    }
                    list.Add(reg);
                }
                return list;
            }
            Add(file, v, ConfigIssueCodes.WrongType, $"'oci_registries' in sources.yaml must be a list of hosts or {{host, username, password}} maps, got {v.Describe()}.", Val(v), "a list such as [ghcr.io]");
            return list;
        }

        private bool CheckOciHost(string file, YNode at, string host)
        {
            if (OciHostRegex.IsMatch(host)) return true;
            var extra = host.Contains("://") ? " (write the host without a scheme, e.g. ghcr.io)" : "";
            Add(file, at, ConfigIssueCodes.InvalidValue, $"OCI registry host '{host}' in sources.yaml is invalid{extra}.", host, "a host such as ghcr.io or registry.example.com:5000");
            return false;
        }
    }
}
