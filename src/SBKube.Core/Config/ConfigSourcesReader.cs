using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Config
{
    /// <summary>Reads sources.yaml: kubeconfig, kube context, Helm repositories and OCI registries.</summary>
    internal sealed class ConfigSourcesReader
    {
        private static readonly string[] SourcesKeys = { "kubeconfig", "kube_context", "helm_repos", "oci_registries" };
        private static readonly string[] RepoKeys = { "url", "username", "password", "pass_credentials", "insecure_skip_tls_verify", "ca_file", "cert_file", "key_file" };
        private static readonly string[] OciMapKeys = { "username", "password", "plain_http", "insecure_skip_tls_verify", "ca_file", "cert_file", "key_file" };
        private static readonly string[] OciKeys = new[] { "host" }.Concat(OciMapKeys).ToArray();
        private static readonly Regex OciHostRegex = new Regex(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._/-]+)?$", RegexOptions.CultureInvariant);

        private readonly ConfigReadContext _ctx;
        private readonly ConfigFieldReader _f;

        internal ConfigSourcesReader(ConfigReadContext ctx, ConfigFieldReader fields)
        {
            _ctx = ctx;
            _f = fields;
        }

        // ------------------------------------------------------------------ sources.yaml

        internal SourcesConfig Read()
        {
            var sources = new SourcesConfig();
            var file = ConfigLoader.FindSourcesFile(_ctx.Dir);
            if (file == null) return sources;
            sources.File = file;
            _ctx.FileRank(file);
            var parsed = _ctx.ParseFile(file, ConfigLoader.MaxConfigFileBytes, YamlLimits.Config);
            if (parsed == null) return sources;
            if (parsed.Documents.Count > 1)
                _ctx.Add(file, parsed.Documents[1], ConfigIssueCodes.MalformedYaml, "sources.yaml must hold a single YAML document, found another one ('---').", null, "one YAML document");
            if (parsed.Documents.Count == 0 || parsed.Documents[0].IsNull) return sources;
            var root = parsed.Documents[0];
            if (root.Kind != YKind.Mapping)
            {
                _ctx.Add(file, root, ConfigIssueCodes.WrongType, $"sources.yaml must be a map at the top level, got {root.Describe()}.", ConfigFieldReader.Val(root), "a map with kubeconfig, kube_context, helm_repos, oci_registries");
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
                        var kc = _f.ReadString(file, v, "'kubeconfig' in sources.yaml");
                        if (kc == null) break;
                        string full;
                        try
                        {
                            full = Path.GetFullPath(Path.Combine(dir, ConfigFieldReader.ExpandHome(kc)));
                        }
                        catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
                        {
                            _ctx.Add(file, v, ConfigIssueCodes.InvalidValue, $"'kubeconfig' '{kc}' in sources.yaml is not a valid path.", kc, "a kubeconfig file path");
                            break;
                        }
                        if (!File.Exists(full))
                            _ctx.Add(file, v, ConfigIssueCodes.MissingFile, $"Kubeconfig '{kc}' in sources.yaml not found (looked for {full}).", kc, "an existing kubeconfig file");
                        sources.Kubeconfig = full;
                        break;
                    }
                    case "kube_context":
                    {
                        var ctx = _f.ReadString(file, v, "'kube_context' in sources.yaml");
                        if (ctx != null && ctx.Trim().Length == 0)
                            _ctx.Add(file, v, ConfigIssueCodes.InvalidValue, "'kube_context' in sources.yaml is empty.", ctx, "a kube context name");
                        else if (ctx != null && !ConfigText.IsKubeContextName(ctx))
                            _ctx.Add(file, v, ConfigIssueCodes.InvalidValue, $"'kube_context' in sources.yaml is '{ctx}', not {ConfigText.KubeContextRule}.", ctx, ConfigText.KubeContextRule);
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
                        _ctx.Add(file, p.Key, ConfigIssueCodes.UnknownKey,
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
                _ctx.Add(file, v, ConfigIssueCodes.WrongType, $"'helm_repos' in sources.yaml must be a map of name to URL (or to {{url, username, password}}), got {v.Describe()}.",
                    null, "a map such as {bitnami: https://charts.bitnami.com/bitnami}");
                return repos;
            }
            foreach (var p in v.Pairs!)
            {
                var name = p.Key.Text;
                var where = $"helm repo '{name}' in sources.yaml";
                if (!ConfigFieldReader.RepoNameRegex.IsMatch(name))
                    _ctx.Add(file, p.Key, ConfigIssueCodes.InvalidName, $"Helm repo name '{name}' in sources.yaml is invalid; expected letters, digits, '.', '_' and '-' (no '/').", name, "letters, digits, '.', '_', '-'");
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
                            case "pass_credentials":
                                repo.PassCredentials = _f.ReadBool(q.Value, "pass_credentials", "of " + where, file) ?? false;
                                break;
                            default:
                                ReadSourceKey(file, repo, q.Key, q.Value, where, RepoKeys);
                                break;
                        }
                    }
                    if (urlNode == null)
                        _ctx.Add(file, p.Key, ConfigIssueCodes.MissingField, $"{ConfigFieldReader.Cap(where)} has no 'url'.", null, "url: https://...");
                }
                else
                {
                    _ctx.Add(file, p.Value, ConfigIssueCodes.WrongType, $"{ConfigFieldReader.Cap(where)} must be a URL or a map {{url, username, password}}, got {(p.Value.IsNull ? "null" : "a list")}.",
                        null, "a URL or {url, username, password}");
                }
                if (urlNode != null)
                {
                    var url = _f.ReadString(file, urlNode, $"'url' of {where}");
                    if (url != null)
                    {
                        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https") && !string.IsNullOrEmpty(uri.Host))
                            repo.Url = url;
                        else
                            _ctx.Add(file, urlNode, ConfigIssueCodes.InvalidValue, $"URL '{ConfigText.RedactUrl(url)}' of {where} is not an http(s) URL.", ConfigText.RedactUrl(url), "an http:// or https:// URL");
                    }
                }
                repos.Add(repo);
            }
            return repos;
        }

        private const string CredentialShapes = "a string, {env: VARIABLE} or {secret: NAME, vault: VAULT}";

        /// <summary>
        /// A username or password: written out, or a reference that keeps it out of the file, to an environment
        /// variable (<c>{env: CHARTS_PASSWORD}</c>) or a SecretManagement secret (<c>{secret: charts, vault: Corp}</c>).
        /// </summary>
        private string? ReadCredential(string file, YNode v, string key, string where)
        {
            if (v.IsNull) return null;
            if (v.Kind == YKind.Scalar) return v.Text;
            if (v.Kind != YKind.Mapping)
            {
                _ctx.Add(file, v, ConfigIssueCodes.WrongType, $"'{key}' of {where} must be {CredentialShapes}, got {v.Describe()}.", null, CredentialShapes);
                return null;
            }
            var refs = v.Pairs!.ToDictionary(p => p.Key.Text, p => p.Value, StringComparer.Ordinal);
            string[] allowed = refs.ContainsKey("env") ? new[] { "env" } : new[] { "secret", "vault" };
            foreach (var extra in v.Pairs!.Where(p => !allowed.Contains(p.Key.Text)))
            {
                _ctx.Add(file, extra.Key, ConfigIssueCodes.UnknownKey,
                    $"Unknown key '{extra.Key.Text}' in '{key}' of {where}; expected {CredentialShapes}.", extra.Key.Text, CredentialShapes);
                return null;
            }
            if (refs.TryGetValue("env", out YNode? env))
            {
                string? variable = _f.ReadString(file, env, $"'env' of '{key}' of {where}");
                if (variable == null) return null;
                string? value = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(value))
                    _ctx.Add(file, env, ConfigIssueCodes.UnresolvedSecret,
                        $"'{key}' of {where} is the environment variable {variable}, which is not set here.", variable, "a set environment variable");
                return value;
            }
            if (!refs.TryGetValue("secret", out YNode? secretNode))
            {
                _ctx.Add(file, v, ConfigIssueCodes.MissingField, $"'{key}' of {where} has no 'secret'; expected {CredentialShapes}.", null, CredentialShapes);
                return null;
            }
            string? name = _f.ReadString(file, secretNode, $"'secret' of '{key}' of {where}");
            string? vault = refs.TryGetValue("vault", out YNode? vaultNode) ? _f.ReadString(file, vaultNode, $"'vault' of '{key}' of {where}") : null;
            if (name == null) return null;
            string from = vault == null ? $"secret '{name}'" : $"secret '{name}' of vault '{vault}'";
            if (_ctx.Secrets == null)
            {
                _ctx.Add(file, secretNode, ConfigIssueCodes.UnresolvedSecret,
                    $"'{key}' of {where} is the {from}, and nothing here can read vaults.", name, "a secret in a vault this process can read");
                return null;
            }
            try
            {
                return _ctx.Secrets.Get(name, vault);
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                _ctx.Add(file, secretNode, ConfigIssueCodes.UnresolvedSecret, $"'{key}' of {where} is the {from}, which cannot be read: {e.Message}", name, "a secret its vault gives");
                return null;
            }
        }

        private List<OciRegistry> ReadOciRegistries(string file, YNode v)
        {
            // Shapes accepted:
            //   oci_registries: [ghcr.io, {host: registry.example.com, username: u, password: p, plain_http: true}]
            //   oci_registries: {ghcr.io: null, registry.example.com: {username: u, password: p, ca_file: ca.pem}}
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
                            if (q.Key.Text == "host") hostNode = q.Value;
                            else ReadSourceKey(file, reg, q.Key, q.Value, "an OCI registry in sources.yaml", OciKeys);
                        }
                        if (hostNode == null)
                        {
                            _ctx.Add(file, item, ConfigIssueCodes.MissingField, "An OCI registry in sources.yaml has no 'host'.", null, "host: registry.example.com");
                            continue;
                        }
                        var host = _f.ReadString(file, hostNode, "'host' of an OCI registry in sources.yaml");
                        if (host != null && CheckOciHost(file, hostNode, host))
                        {
                            reg.Host = host;
                            list.Add(reg);
                        }
                    }
                    else
                    {
                        _ctx.Add(file, item, ConfigIssueCodes.WrongType, $"Each OCI registry in sources.yaml must be a host or a map {{host, username, password}}, got {item.Describe()}.", null, "a host or {host, username, password}");
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
                        foreach (var q in p.Value.Pairs!) ReadSourceKey(file, reg, q.Key, q.Value, where, OciMapKeys);
                    }
                    else if (!p.Value.IsNull)
                    {
                        _ctx.Add(file, p.Value, ConfigIssueCodes.WrongType, $"{ConfigFieldReader.Cap(where)} must be empty or a map {{username, password}}, got {(p.Value.Kind == YKind.Sequence ? "a list" : "a scalar")}.", null, "{username, password}");
                    }
                    list.Add(reg);
                }
                return list;
            }
            _ctx.Add(file, v, ConfigIssueCodes.WrongType, $"'oci_registries' in sources.yaml must be a list of hosts or {{host, username, password}} maps, got {v.Describe()}.", ConfigFieldReader.Val(v), "a list such as [ghcr.io]");
            return list;
        }

        /// <summary>
        /// A key a repository and a registry have alike (credentials, TLS), or plain_http where
        /// <paramref name="allowed"/> has it; any other key is an issue naming the allowed ones.
        /// </summary>
        private void ReadSourceKey(string file, ChartSource source, YNode key, YNode value, string where, string[] allowed)
        {
            switch (allowed.Contains(key.Text) ? key.Text : "")
            {
                case "username":
                    source.Username = ReadCredential(file, value, "username", where);
                    break;
                case "password":
                    source.Password = ReadCredential(file, value, "password", where);
                    break;
                case "plain_http":
                    source.PlainHttp = _f.ReadBool(value, "plain_http", "of " + where, file) ?? false;
                    break;
                case "insecure_skip_tls_verify":
                    source.InsecureSkipTlsVerify = _f.ReadBool(value, "insecure_skip_tls_verify", "of " + where, file) ?? false;
                    break;
                case "ca_file":
                    source.CaFile = ReadTlsFile(file, value, "ca_file", where);
                    break;
                case "cert_file":
                    source.CertFile = ReadTlsFile(file, value, "cert_file", where);
                    break;
                case "key_file":
                    source.KeyFile = ReadTlsFile(file, value, "key_file", where);
                    break;
                default:
                    _ctx.Add(file, key, ConfigIssueCodes.UnknownKey,
                        $"Unknown key '{key.Text}' in {where}{ConfigText.Hint(key.Text, allowed)}; expected one of: {string.Join(", ", allowed)}.",
                        key.Text, string.Join(", ", allowed));
                    break;
            }
        }

        /// <summary>A certificate or key file, relative to sources.yaml (or ~/), that must exist.</summary>
        private string? ReadTlsFile(string file, YNode v, string key, string where)
        {
            var given = _f.ReadString(file, v, $"'{key}' of {where}");
            if (given == null) return null;
            string full;
            try
            {
                full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, ConfigFieldReader.ExpandHome(given)));
            }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
            {
                _ctx.Add(file, v, ConfigIssueCodes.InvalidValue, $"'{key}' '{given}' of {where} is not a valid path.", given, "a PEM file path");
                return null;
            }
            if (!File.Exists(full))
                _ctx.Add(file, v, ConfigIssueCodes.MissingFile, $"'{key}' '{given}' of {where} not found (looked for {full}).", given, "an existing PEM file");
            return full;
        }

        private bool CheckOciHost(string file, YNode at, string host)
        {
            if (OciHostRegex.IsMatch(host)) return true;
            var extra = host.Contains("://") ? " (write the host without a scheme, e.g. ghcr.io)" : "";
            _ctx.Add(file, at, ConfigIssueCodes.InvalidValue, $"OCI registry host '{host}' in sources.yaml is invalid{extra}.", host, "a host such as ghcr.io or registry.example.com:5000");
            return false;
        }
    }
}
