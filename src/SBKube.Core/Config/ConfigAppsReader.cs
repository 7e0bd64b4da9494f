using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using SBKube.Core.Helm;

namespace SBKube.Core.Config
{
    /// <summary>Reads the apps of config.yaml (each app type and its keys) and checks them against each other.</summary>
    internal sealed class ConfigAppsReader
    {
        private static readonly string[] CommonKeys = { "type", "enabled", "namespace", "depends_on" };
        private static readonly string[] HelmKeys = new[] { "chart", "version", "values", "set", "release_name", "wait", "timeout", "atomic",
            "create_namespace", "history_max", "sensitive", "not_sensitive", "server_side" }.Concat(HelmApplyOptions.Switches.Select(s => s.Key)).ToArray();
        private static readonly string[] YamlKeys = { "manifests" };

        private const string ReleaseRule = "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 53 characters";

        /// <summary>An app as read, with the nodes its cross-checks point at.</summary>
        internal sealed class AppInfo
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

        private readonly ConfigReadContext _ctx;
        private readonly ConfigFieldReader _f;

        internal ConfigAppsReader(ConfigReadContext ctx, ConfigFieldReader fields)
        {
            _ctx = ctx;
            _f = fields;
        }

        // ------------------------------------------------------------------ apps

        internal AppInfo Read(YNode keyNode, YNode value, int index, string defaultNamespace, SourcesConfig sources)
        {
            var name = keyNode.Text;
            var app = new AppConfig
            {
                Name = name,
                Location = new SourceLocation(_ctx.ConfigFile, keyNode.Line, keyNode.Column),
                Namespace = defaultNamespace,
                ReleaseName = name,
            };
            var info = new AppInfo(app, keyNode, index);
            var where = $"in app '{name}'";
            if (!ConfigText.IsDns1123Label(name))
            {
                _ctx.Add(_ctx.ConfigFile, keyNode, ConfigIssueCodes.InvalidName,
                    $"App name '{name}' is invalid: {ConfigText.ExplainLabel(name)}; expected {ConfigText.LabelRule}.", name, ConfigText.LabelRule);
            }
            if (value.IsNull)
            {
                value = new YNode { Kind = YKind.Mapping, Pairs = new List<YPair>(), Line = value.Line, Column = value.Column };
            }
            if (value.Kind != YKind.Mapping)
            {
                _ctx.Add(_ctx.ConfigFile, value, ConfigIssueCodes.WrongType, $"App '{name}' must be a map of settings, got {value.Describe()}.", ConfigFieldReader.Val(value), "a map such as {chart: repo/chart}");
                return info;
            }

            // type first: it decides which keys are allowed.
            bool typeKnown = true;
            var typePair = value.Pairs!.FirstOrDefault(p => p.Key.Text == "type");
            if (typePair != null)
            {
                var t = _f.ReadString(_ctx.ConfigFile, typePair.Value, $"'type' {where}");
                if (t == "helm") app.Type = AppType.Helm;
                else if (t == "yaml") app.Type = AppType.Yaml;
                else
                {
                    typeKnown = false;
                    if (t != null)
                        _ctx.Add(_ctx.ConfigFile, typePair.Value, ConfigIssueCodes.InvalidValue,
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
                    _ctx.Add(_ctx.ConfigFile, p.Key, ConfigIssueCodes.UnknownKey,
                        $"Key '{key}' {where} is only valid for apps of type yaml, but this app is type helm; add 'type: yaml' or remove it.", key, string.Join(", ", CommonKeys.Concat(HelmKeys)));
                    continue;
                }
                if (typeKnown && app.Type == AppType.Yaml && HelmKeys.Contains(key))
                {
                    _ctx.Add(_ctx.ConfigFile, p.Key, ConfigIssueCodes.UnknownKey,
                        $"Key '{key}' {where} is only valid for apps of type helm, but this app is type yaml.", key, string.Join(", ", CommonKeys.Concat(YamlKeys)));
                    continue;
                }
                switch (key)
                {
                    case "type":
                        break;
                    case "enabled":
                        if (_f.ReadBool(v, key, where) is bool en) app.Enabled = en;
                        break;
                    case "namespace":
                    {
                        var ns = _f.ReadString(_ctx.ConfigFile, v, $"'namespace' {where}");
                        if (ns != null && _f.CheckLabel(_ctx.ConfigFile, v, ns, $"Namespace of app '{name}'"))
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
                        foreach (var (dep, node) in _f.ReadStringList(v, key, where))
                        {
                            if (!info.Deps.Any(d => d.Name == dep)) info.Deps.Add((dep, node));
                        }
                        app.DependsOn = info.Deps.Select(d => d.Name).ToList();
                        break;
                    case "sensitive":
                        app.Sensitive = _f.ReadValuePaths(v, key, where);
                        break;
                    case "not_sensitive":
                        app.NotSensitive = _f.ReadValuePaths(v, key, where);
                        break;
                    case "chart":
                        chart = _f.ReadString(_ctx.ConfigFile, v, $"'chart' {where}");
                        if (chart != null && chart.Trim().Length == 0)
                        {
                            _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.InvalidValue, $"'chart' {where} is empty.", chart, "repo/chart, oci://host/path/chart or a local path");
                            chart = null;
                        }
                        chartNode = v;
                        app.Chart = chart;
                        break;
                    case "version":
                        app.Version = _f.ReadString(_ctx.ConfigFile, v, $"'version' {where}");
                        if (app.Version != null && app.Version.Trim().Length == 0)
                        {
                            _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.InvalidValue, $"'version' {where} is empty.", app.Version, "a chart version such as 17.13.2");
                            app.Version = null;
                        }
                        else if (app.Version != null && !ConfigText.IsChartVersion(app.Version))
                        {
                            _ctx.Add(_ctx.ConfigFile, v, ConfigIssueCodes.InvalidValue, $"'version' {where} is '{app.Version}', not {ConfigText.ChartVersionRule}.",
                                app.Version, ConfigText.ChartVersionRule);
                            app.Version = null;
                        }
                        break;
                    case "values":
                    {
                        var files = new List<string>();
                        foreach (var (f, node) in _f.ReadStringList(v, key, where))
                        {
                            var resolved = _f.ResolveValuesFile(f, node, where);
                            if (resolved != null && !files.Contains(resolved)) files.Add(resolved);
                        }
                        app.ValuesFiles = files;
                        break;
                    }
                    case "set":
                        app.Set = _f.ReadSet(v, where);
                        break;
                    case "release_name":
                    {
                        var rn = _f.ReadString(_ctx.ConfigFile, v, $"'release_name' {where}");
                        if (rn != null)
                        {
                            app.ReleaseName = rn;
                            info.ReleaseNode = v;
                        }
                        break;
                    }
                    case "wait":
                    {
                        // true/false, or a Helm 4 wait strategy (which is waiting too).
                        (bool? flag, string? strategy) = _f.ReadBoolOrWord(v, key, where, HelmApplyOptions.WaitStrategies);
                        if (flag is bool w) app.Wait = w;
                        if (strategy != null) (app.Wait, app.Apply.WaitStrategy) = (true, strategy);
                        break;
                    }
                    case "server_side":
                    {
                        // auto is Helm 4's own choice, the same as not saying.
                        (bool? flag, _) = _f.ReadBoolOrWord(v, key, where, new[] { "auto" });
                        app.Apply.ServerSide = flag is bool ss ? (ss ? "true" : "false") : null;
                        break;
                    }
                    case string switchKey when HelmApplyOptions.Switches.Any(s => s.Key == switchKey):
                        if (_f.ReadBool(v, key, where) is bool on) app.Apply.Set(switchKey, on);
                        break;
                    case "atomic":
                        if (_f.ReadBool(v, key, where) is bool a) app.Atomic = a;
                        break;
                    case "create_namespace":
                        if (_f.ReadBool(v, key, where) is bool cn) app.CreateNamespace = cn;
                        break;
                    case "timeout":
                        app.Timeout = _f.ReadDuration(v, where);
                        break;
                    case "history_max":
                        app.HistoryMax = _f.ReadNonNegativeInt(v, key, where);
                        break;
                    case "manifests":
                        manifestsNode = v;
                        app.Manifests = _f.ResolveManifests(v, where);
                        break;
                    default:
                    {
                        var valid = !typeKnown ? CommonKeys.Concat(HelmKeys).Concat(YamlKeys).ToArray()
                            : app.Type == AppType.Helm ? CommonKeys.Concat(HelmKeys).ToArray()
                            : CommonKeys.Concat(YamlKeys).ToArray();
                        var hint = ConfigText.DidYouMean(key, valid) ?? ConfigText.DidYouMean(key, CommonKeys.Concat(HelmKeys).Concat(YamlKeys));
                        _ctx.Add(_ctx.ConfigFile, p.Key, ConfigIssueCodes.UnknownKey,
                            $"Unknown key '{key}' {where}{(hint != null ? $" (did you mean '{hint}'?)" : "")}; expected one of: {string.Join(", ", valid)}.",
                            key, string.Join(", ", valid));
                        break;
                    }
                }
            }

            foreach (var both in app.Sensitive.Intersect(app.NotSensitive, StringComparer.Ordinal))
                _ctx.Add(_ctx.ConfigFile, keyNode, ConfigIssueCodes.InvalidValue,
                    $"'{both}' is in both 'sensitive' and 'not_sensitive' {where}; keep it in one.", both, "each path in one list");

            if (typeKnown && app.Type == AppType.Helm)
            {
                if (chartNode == null)
                    _ctx.Add(_ctx.ConfigFile, keyNode, ConfigIssueCodes.MissingField, $"App '{name}' (type helm) has no 'chart'.", null, "chart: repo/chart, oci://host/path/chart or a local path");
                else if (chart != null)
                    _f.ResolveChart(app, chart, chartNode, where, sources);

                var rn = app.ReleaseName;
                var at = info.ReleaseNode ?? keyNode;
                var label = info.ReleaseNode != null ? "Release name" : "Release name (the app name)";
                if (!ConfigText.IsReleaseNameCharset(rn))
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.InvalidName, $"{label} '{rn}' {where} is invalid; expected {ReleaseRule}.", rn, ReleaseRule);
                if (rn.Length > ConfigText.MaxReleaseNameLength)
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.ReleaseNameTooLong,
                        $"{label} '{rn}' {where} is {rn.Length} characters long; Helm allows at most {ConfigText.MaxReleaseNameLength}{(info.ReleaseNode == null ? " (set a shorter 'release_name')" : "")}.",
                        rn, $"at most {ConfigText.MaxReleaseNameLength} characters");
            }
            if (typeKnown && app.Type == AppType.Yaml && manifestsNode == null)
                _ctx.Add(_ctx.ConfigFile, keyNode, ConfigIssueCodes.MissingField, $"App '{name}' (type yaml) has no 'manifests'.", null, "manifests: [file.yaml, dir/*.yaml]");
            return info;
        }

        internal void CrossCheck(List<AppInfo> infos)
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
                    _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.DuplicateRelease,
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
                        _ctx.Add(_ctx.ConfigFile, node, ConfigIssueCodes.UnknownDependency,
                            $"App '{i.App.Name}' depends on '{dep}', which is not an app in this config{ConfigText.Hint(dep, byName.Keys)}; known apps: {string.Join(", ", infos.Select(x => x.App.Name))}.",
                            dep, "the name of an app in 'apps'");
                    }
                    else if (i.App.Enabled && !target.App.Enabled)
                    {
                        _ctx.Add(_ctx.ConfigFile, node, ConfigIssueCodes.DisabledDependency,
                            $"App '{i.App.Name}' depends on '{dep}', which is disabled (enabled: false); enable it, disable '{i.App.Name}' too, or remove the dependency.",
                            dep, "a dependency on an enabled app");
                    }
                }
            }

            // cycles among enabled apps, one readable cycle per group of apps caught in one
            var enabled = infos.Where(i => i.App.Enabled).ToList();
            var idx = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int k = 0; k < enabled.Count; k++) idx[enabled[k].App.Name] = k;
            var graph = new DependencyGraph(enabled.Select(i => i.Deps.Where(d => idx.ContainsKey(d.Name)).Select(d => idx[d.Name])));
            foreach (IReadOnlyList<int> path in graph.Cycles())
            {
                var names = path.Select(k => enabled[k].App.Name).ToList();
                names.Add(enabled[path[0]].App.Name);
                var cycle = string.Join(" -> ", names);
                var nextName = names[1];
                var at = enabled[path[0]].Deps.First(d => d.Name == nextName).Node;
                _ctx.Add(_ctx.ConfigFile, at, ConfigIssueCodes.DependencyCycle, $"Dependency cycle: {cycle}.", cycle, "dependencies without cycles");
            }
        }
    }
}
