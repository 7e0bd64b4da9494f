using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Config
{
    /// <summary>Reading the apps of config.yaml: each app type and its keys.</summary>
    internal sealed partial class ConfigLoadRun
    {
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
                    case "sensitive":
                        app.Sensitive = ReadValuePaths(v, key, where);
                        break;
                    case "not_sensitive":
                        app.NotSensitive = ReadValuePaths(v, key, where);
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

            foreach (var both in app.Sensitive.Intersect(app.NotSensitive, StringComparer.Ordinal))
                Add(_configFile, keyNode, ConfigIssueCodes.InvalidValue,
                    $"'{both}' is in both 'sensitive' and 'not_sensitive' {where}; keep it in one.", both, "each path in one list");

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
                Add(_configFile, at, ConfigIssueCodes.DependencyCycle, $"Dependency cycle: {cycle}.", cycle, "dependencies without cycles");
            }
        }
    }
}
