using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace SBKube.Core.Config
{
    /// <summary>Kind of application in config.yaml.</summary>
    public enum AppType
    {
        Helm,
        Yaml,
    }

    /// <summary>A position in a YAML file (1-based line and column).</summary>
    public sealed class SourceLocation
    {
        public SourceLocation() { }

        public SourceLocation(string file, int line, int column)
        {
            File = file;
            Line = line;
            Column = column;
        }

        public string File { get; set; } = "";
        public int Line { get; set; }
        public int Column { get; set; }

        public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
    }

    /// <summary>One entry of <c>apps</c> in config.yaml, fully validated and resolved.</summary>
    public sealed class AppConfig
    {
        public string Name { get; set; } = "";
        public AppType Type { get; set; } = AppType.Helm;
        public bool Enabled { get; set; } = true;

        /// <summary>Effective namespace: the app's own, else the override, else the config's, else <c>default</c>.</summary>
        public string Namespace { get; set; } = "default";

        public IReadOnlyList<string> DependsOn { get; set; } = Array.Empty<string>();

        /// <summary>Values paths to mask although no rule says so (<c>sensitive:</c>).</summary>
        public IReadOnlyList<string> Sensitive { get; set; } = Array.Empty<string>();

        /// <summary>Values paths never to mask although a rule would (<c>not_sensitive:</c>).</summary>
        public IReadOnlyList<string> NotSensitive { get; set; } = Array.Empty<string>();

        // ---- helm ----

        /// <summary>Chart reference as written: <c>repo/chart</c>, <c>oci://…</c> or a local path.</summary>
        public string? Chart { get; set; }

        /// <summary>Absolute directory of a local chart; null for repo and OCI charts.</summary>
        public string? ChartPath { get; set; }

        /// <summary>The sources.yaml registry an <c>oci://</c> chart comes from, when it names one.</summary>
        public OciRegistry? Registry { get; set; }
        /// <summary>The sources.yaml helm_repos entry a <c>repo/chart</c> chart comes from.</summary>
        public HelmRepository? Repository { get; set; }
        /// <summary>Chart version exactly as written in the file (<c>18.0</c> stays <c>"18.0"</c>).</summary>
        public string? Version { get; set; }

        /// <summary>Absolute paths of the values files, in the order written.</summary>
        public IReadOnlyList<string> ValuesFiles { get; set; } = Array.Empty<string>();

        /// <summary>Inline overrides: key as written (dotted helm path) to typed value.</summary>
        public JsonObject Set { get; set; } = new JsonObject();

        public string ReleaseName { get; set; } = "";
        public bool Wait { get; set; }

        /// <summary>Go duration as written (validated), e.g. <c>5m</c>; null when not set.</summary>
        public string? Timeout { get; set; }

        public bool Atomic { get; set; }
        public bool CreateNamespace { get; set; } = true;
        public int? HistoryMax { get; set; }
        /// <summary>wait's strategy, server_side and the on/off options of <see cref="Helm.HelmApplyOptions.Switches"/>.</summary>
        public Helm.HelmApplyOptions Apply { get; set; } = new Helm.HelmApplyOptions();

        // ---- yaml ----

        /// <summary>Absolute manifest paths: globs expanded, sorted (ordinal), de-duplicated.</summary>
        public IReadOnlyList<string> Manifests { get; set; } = Array.Empty<string>();

        /// <summary>Where the app's key is in config.yaml.</summary>
        public SourceLocation Location { get; set; } = new SourceLocation();

        public override string ToString() => $"{Name} ({Type.ToString().ToLowerInvariant()}, namespace {Namespace})";
    }

    /// <summary>
    /// What a chart repository and an OCI registry have alike in sources.yaml: credentials, and how their TLS is
    /// checked (the same keys, read by one reader, turned into helm flags in one place: State.ChartAccess).
    /// </summary>
    public abstract class ChartSource
    {
        public string? Username { get; set; }
        public string? Password { get; set; }
        /// <summary>Its TLS certificate is not checked.</summary>
        public bool InsecureSkipTlsVerify { get; set; }
        /// <summary>Absolute paths of a CA bundle to trust, and of a client certificate and its key, when given.</summary>
        public string? CaFile { get; set; }
        public string? CertFile { get; set; }
        public string? KeyFile { get; set; }

        /// <summary>The registry speaks plain HTTP (OCI only: Helm 4 --plain-http; Helm 3's login --insecure).</summary>
        public bool PlainHttp { get; set; }

        protected string Credentials => string.IsNullOrEmpty(Username) ? "" : $" (user {Username}, password {(Password is null ? "none" : "***")})";
    }

    /// <summary>A Helm chart repository from sources.yaml <c>helm_repos</c>.</summary>
    public sealed class HelmRepository : ChartSource
    {
        public string Name { get; set; } = "";
        public string Url { get; set; } = "";
        /// <summary>Send the credentials to every host the index points at (charts served elsewhere), not just this one.</summary>
        public bool PassCredentials { get; set; }

        /// <summary>Whether helm must be told more than the URL: such a repository is added again every run.</summary>
        public bool HasSettings => !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password) || PassCredentials
            || InsecureSkipTlsVerify || CaFile != null || CertFile != null || KeyFile != null;

        /// <summary>Never shows the password (nor credentials embedded in the URL).</summary>
        public override string ToString() => $"{Name} {ConfigText.RedactUrl(Url)}" + Credentials;
    }

    /// <summary>An OCI registry login from sources.yaml <c>oci_registries</c>.</summary>
    public sealed class OciRegistry : ChartSource
    {
        public string Host { get; set; } = "";

        public override string ToString() => Host + Credentials;
    }

    /// <summary>sources.yaml, or an empty one when there is none.</summary>
    public sealed class SourcesConfig
    {
        /// <summary>Absolute path of the sources.yaml that was read; null when none was found.</summary>
        public string? File { get; set; }

        /// <summary>Absolute kubeconfig path (relative paths resolved against the sources.yaml directory, <c>~</c> expanded).</summary>
        public string? Kubeconfig { get; set; }

        public string? KubeContext { get; set; }
        public IReadOnlyList<HelmRepository> HelmRepos { get; set; } = Array.Empty<HelmRepository>();
        public IReadOnlyList<OciRegistry> OciRegistries { get; set; } = Array.Empty<OciRegistry>();

        public HelmRepository? FindRepo(string name) => HelmRepos.FirstOrDefault(r => r.Name == name);
    }

    /// <summary>A loaded and validated config.yaml (+ sources.yaml).</summary>
    public sealed class SbkubeConfig
    {
        /// <summary>Absolute path of config.yaml.</summary>
        public string ConfigFile { get; set; } = "";

        /// <summary>Absolute directory of config.yaml: the project directory.</summary>
        public string Directory { get; set; } = "";

        /// <summary>The namespace override if given, else the top-level <c>namespace</c>; null if neither.</summary>
        public string? Namespace { get; set; }

        /// <summary>All apps in file order, including disabled ones.</summary>
        public IReadOnlyList<AppConfig> Apps { get; set; } = Array.Empty<AppConfig>();

        public SourcesConfig Sources { get; set; } = new SourcesConfig();

        public AppConfig? FindApp(string name) => Apps.FirstOrDefault(a => a.Name == name);

        /// <summary>
        /// Enabled apps in dependency order (an app comes after everything it depends on); among apps whose
        /// dependencies are satisfied, file order wins. Dependencies on disabled or unknown apps are ignored
        /// (the loader reports them). Throws <see cref="ConfigException"/> on a cycle.
        /// </summary>
        public IReadOnlyList<AppConfig> InDependencyOrder()
        {
            var enabled = Apps.Where(a => a.Enabled).ToList();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < enabled.Count; i++) index[enabled[i].Name] = i;
            var graph = new DependencyGraph(enabled.Select(a => a.DependsOn.Where(index.ContainsKey).Select(d => index[d])));
            IReadOnlyList<int> order = graph.Order(out IReadOnlyList<int> stuck);
            if (stuck.Count > 0)
            {
                throw new ConfigException(new[]
                {
                    new ConfigIssue(ConfigFile, 0, 0, ConfigIssueCodes.DependencyCycle,
                        "Dependency cycle among apps: " + string.Join(", ", stuck.Select(i => enabled[i].Name))),
                });
            }
            return order.Select(i => enabled[i]).ToList();
        }
    }
}
