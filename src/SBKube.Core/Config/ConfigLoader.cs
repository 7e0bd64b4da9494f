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
    ///   corp: {url: https://charts.corp.example, username: {env: CHARTS_USER}, password: {secret: charts, vault: CorpVault}}
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
        /// <param name="secrets">Reads <c>{secret: NAME}</c> credentials; without one such a credential is an issue.</param>
        public static SbkubeConfig Load(string path, string? namespaceOverride = null, ISecretSource? secrets = null)
        {
            var run = new ConfigLoadRun(secrets);
            var config = run.Run(path, namespaceOverride);
            var issues = run.SortedIssues();
            if (issues.Count > 0 || config == null) throw new ConfigException(issues);
            return config;
        }

        /// <summary>All problems of the configuration at <paramref name="path"/>; empty when it is valid. Does not throw for config problems.</summary>
        public static IReadOnlyList<ConfigIssue> Validate(string path, string? namespaceOverride = null, ISecretSource? secrets = null)
        {
            var run = new ConfigLoadRun(secrets);
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

    /// <summary>
    /// One load: finds config.yaml, reads its top level and hands sources.yaml and the apps to their readers,
    /// which all report to one <see cref="ConfigReadContext"/>.
    /// </summary>
    internal sealed class ConfigLoadRun
    {
        private static readonly string[] TopKeys = { "namespace", "apps" };

        private readonly ConfigReadContext _ctx = new ConfigReadContext();
        private readonly ConfigFieldReader _fields;

        public ConfigLoadRun(ISecretSource? secrets = null)
        {
            _ctx.Secrets = secrets;
            _fields = new ConfigFieldReader(_ctx);
        }

        public List<ConfigIssue> SortedIssues() => _ctx.SortedIssues();

        public SbkubeConfig? Run(string path, string? namespaceOverride)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                _ctx.Add("(config path)", 0, 0, ConfigIssueCodes.MissingFile, "No config path given.", path, "a directory containing config.yaml, or a config file");
                return null;
            }
            string full;
            try
            {
                full = Path.GetFullPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                _ctx.Add(path, 0, 0, ConfigIssueCodes.MissingFile, $"'{path}' is not a valid path: {ex.Message}", path, "a directory containing config.yaml, or a config file");
                return null;
            }
            var configFile = ConfigLoader.FindConfigFile(full);
            if (configFile == null)
            {
                var msg = Directory.Exists(full)
                    ? $"No config.yaml found in {full}."
                    : $"Config not found: {full} does not exist.";
                _ctx.Add(full, 0, 0, ConfigIssueCodes.MissingFile, msg, full, "a directory containing config.yaml, or a config file");
                return null;
            }
            _ctx.ConfigFile = configFile;
            _ctx.Dir = Path.GetDirectoryName(configFile)!;
            _ctx.FileRank(_ctx.ConfigFile);

            var parsed = _ctx.ParseFile(_ctx.ConfigFile, ConfigLoader.MaxConfigFileBytes, YamlLimits.Config);

            var sources = new ConfigSourcesReader(_ctx, _fields).Read();

            if (namespaceOverride != null && !ConfigText.IsDns1123Label(namespaceOverride))
            {
                _ctx.Add(_ctx.ConfigFile, 0, 0, ConfigIssueCodes.InvalidName,
                    $"The namespace override '{namespaceOverride}' is not a valid namespace: {ConfigText.ExplainLabel(namespaceOverride)}; expected {ConfigText.LabelRule}.",
                    namespaceOverride, ConfigText.LabelRule);
            }

            if (parsed == null) return null;
            if (parsed.Documents.Count > 1)
            {
                var d = parsed.Documents[1];
                _ctx.Add(_ctx.ConfigFile, d, ConfigIssueCodes.MalformedYaml, "config.yaml must hold a single YAML document, found another one ('---').", null, "one YAML document");
            }
            var root = parsed.Documents.Count > 0 ? parsed.Documents[0] : null;
            var config = new SbkubeConfig { ConfigFile = _ctx.ConfigFile, Directory = _ctx.Dir, Sources = sources };
            if (root == null || root.IsNull)
            {
                _ctx.Add(_ctx.ConfigFile, 1, 1, ConfigIssueCodes.MissingField, "The config file is empty; expected a map with 'apps' (and optionally 'namespace').", null, "a map with 'apps'");
                return config;
            }
            if (root.Kind != YKind.Mapping)
            {
                _ctx.Add(_ctx.ConfigFile, root, ConfigIssueCodes.WrongType, $"The config file must be a map with 'namespace' and 'apps' at the top level, got {root.Describe()}.",
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
                        topNamespace = _fields.ReadString(_ctx.ConfigFile, p.Value, "'namespace' at the top level");
                        if (topNamespace != null) _fields.CheckLabel(_ctx.ConfigFile, p.Value, topNamespace, "Namespace");
                        break;
                    case "apps":
                        haveApps = true;
                        if (p.Value.Kind == YKind.Mapping) appsNode = p.Value;
                        else if (!p.Value.IsNull)
                            _ctx.Add(_ctx.ConfigFile, p.Value, ConfigIssueCodes.WrongType, $"'apps' must be a map keyed by app name, got {p.Value.Describe()}.",
                                ConfigFieldReader.Val(p.Value), "a map of app name to settings");
                        break;
                    default:
                        _ctx.Add(_ctx.ConfigFile, p.Key, ConfigIssueCodes.UnknownKey,
                            $"Unknown key '{p.Key.Text}' at the top level{ConfigText.Hint(p.Key.Text, TopKeys)}; expected one of: {string.Join(", ", TopKeys)}.",
                            p.Key.Text, string.Join(", ", TopKeys));
                        break;
                }
            }
            if (!haveApps)
                _ctx.Add(_ctx.ConfigFile, root, ConfigIssueCodes.MissingField, "The config file has no 'apps' map.", null, "'apps: {name: {...}}'");

            config.Namespace = namespaceOverride ?? topNamespace;
            var defaultNamespace = namespaceOverride ?? topNamespace ?? "default";

            var apps = new ConfigAppsReader(_ctx, _fields);
            var infos = new List<ConfigAppsReader.AppInfo>();
            if (appsNode != null)
            {
                int index = 0;
                foreach (var p in appsNode.Pairs!)
                    infos.Add(apps.Read(p.Key, p.Value, index++, defaultNamespace, sources));
            }
            config.Apps = infos.Select(i => i.App).ToList();
            apps.CrossCheck(infos);
            return config;
        }
    }
}
