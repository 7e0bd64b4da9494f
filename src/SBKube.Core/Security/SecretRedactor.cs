using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Security
{
    /// <summary>
    /// Hides values whose key looks secret (non-empty strings and numbers, not switches or names of
    /// Secret objects and files), the value of env-style {name, value} pairs with a secret name and
    /// the password of any URL, in value trees and in free text (errors, descriptions).
    /// The key pattern is configurable through <c>$env:SBKUBE_SECRET_KEYS</c> (a regex).
    /// </summary>
    public sealed class SecretRedactor
    {
        public const string Mask = "***";
        public const string DefaultKeyPattern =
            "pass(word|wd)?|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|auth[-_]?key|certificate[-_]?key|client[-_]?key|^key$|pwd|pw$|bearer|session[-_]?key";

        private readonly Regex _keys;
        private readonly HashSet<string> _knownSecrets = new HashSet<string>(StringComparer.Ordinal);

        public SecretRedactor(string? keyPattern = null)
        {
            _keys = new Regex(keyPattern ?? DefaultKeyPattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }

        /// <summary>
        /// The state store's fingerprint key. With it a masked value reads <c>***:</c> and 8 hex digits of a
        /// keyed hash of the value, so a changed secret shows as changed (in a diff of two
        /// <c>state show</c> outputs) without being shown, and cannot be looked up in a table made elsewhere.
        /// </summary>
        public byte[]? FingerprintKey { get; set; }

        /// <summary>The masked form of one secret value: <c>***</c>, with its fingerprint when there is a key.</summary>
        public string Masked(string secret)
        {
            if (FingerprintKey == null)
            {
                return Mask;
            }
            using var hmac = new System.Security.Cryptography.HMACSHA256(FingerprintKey);
            byte[] hash = hmac.ComputeHash(System.Text.Encoding.UTF8.GetBytes(secret));
            return Mask + ":" + string.Concat(hash.Take(4).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        public static SecretRedactor FromEnvironment() =>
            new SecretRedactor(Environment.GetEnvironmentVariable("SBKUBE_SECRET_KEYS") is { Length: > 0 } p ? p : null);

        /// <summary>The redactor of a store's records: the environment's secret keys, the store's fingerprint key.</summary>
        public static SecretRedactor ForStore(State.IStateArchive store)
        {
            SecretRedactor redactor = FromEnvironment();
            redactor.FingerprintKey = store.FingerprintKey();
            return redactor;
        }

        /// <summary>
        /// Keys that match the pattern but name a Secret object, a key inside one, a switch or a file,
        /// not a secret value (existingSecret, tlsSecretName, passwordSecretKey, usePasswordFiles, and the
        /// charts' extraEnvVarsSecret and certificatesSecret).
        /// </summary>
        private static readonly Regex NamesNoSecret = new Regex(
            "^existingSecret|SecretName$|.SecretKeys?$|PasswordKey$|^usePassword|Files?$|(EnvVars|Certificates)Secret$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public bool IsSecretKey(string key) => _keys.IsMatch(key) && !NamesNoSecret.IsMatch(key);

        /// <summary>A copy of <paramref name="node"/> with secret-keyed leaves masked; remembers the secrets it saw.</summary>
        public JsonNode? Redact(JsonNode? node) => Redact(node, SensitivityRules.None);

        /// <summary>As <see cref="Redact(JsonNode?)"/>, with an app's own corrections applied first.</summary>
        public JsonNode? Redact(JsonNode? node, SensitivityRules rules) => Redact(node, rules, "");

        private JsonNode? Redact(JsonNode? node, SensitivityRules rules, string path)
        {
            switch (path.Length == 0 ? null : rules.Decide(path))
            {
                case false:
                    return node?.DeepClone();
                case true:
                    return MaskTree(node);
            }
            switch (node)
            {
                case JsonObject obj:
                    // An env-style pair: {name: DB_PASSWORD, value: ...} holds its secret under "value".
                    bool secretPair = obj["name"] is JsonValue name && name.TryGetValue(out string? n) && n != null && IsSecretKey(n);
                    var copy = new JsonObject();
                    foreach (KeyValuePair<string, JsonNode?> kv in obj)
                    {
                        string child = path.Length == 0 ? kv.Key : path + "." + kv.Key;
                        bool secret = IsSecretKey(kv.Key) || (secretPair && kv.Key == "value");
                        copy[kv.Key] = secret && IsSecretReference(kv.Value) && rules.Decide(child) != true ? kv.Value!.DeepClone()
                            : secret && rules.Decide(child) != false ? MaskTree(kv.Value) : Redact(kv.Value, rules, child);
                    }
                    return copy;
                case JsonArray arr:
                    return new JsonArray(arr.Select((item, i) => Redact(item, rules, $"{path}[{i}]")).ToArray());
                case JsonValue v when v.TryGetValue(out string? text) && text != null && text.Contains("://"):
                    return JsonValue.Create(MaskUrlUserinfo(text));
                default:
                    return node?.DeepClone();
            }
        }

        /// <summary>
        /// A reference to a key of a Secret object ({name, key}, as in a SecretKeySelector): it names where
        /// the secret is and holds none, so it is shown as it is.
        /// </summary>
        private static bool IsSecretReference(JsonNode? value) =>
            value is JsonObject o && o.Count > 0 && o.All(kv => kv.Key == "name" || kv.Key == "key" || kv.Key == "optional");

        /// <summary>Replaces the user:password of every URL in <paramref name="text"/>, remembering the passwords.</summary>
        private string MaskUrlUserinfo(string text) => UrlCredentials.MaskPasswords(text, LearnValue);

        /// <summary>A revision snapshot (deployments.config) with its values masked; other text is returned as is.</summary>
        public string? RedactSnapshot(string? json)
        {
            if (string.IsNullOrEmpty(json))
            {
                return json;
            }
            try
            {
                if (JsonNode.Parse(json!) is JsonObject snapshot)
                {
                    if (snapshot["values"] is JsonNode values)
                    {
                        snapshot["values"] = Redact(values, SensitivityRules.Of(snapshot));
                    }
                    if (snapshot["manifests"] is JsonArray manifests)
                    {
                        foreach (JsonObject m in manifests.OfType<JsonObject>())
                        {
                            if (m["content"] is JsonValue c && c.TryGetValue(out string? content) && content != null)
                            {
                                m["content"] = RedactManifest(content);
                            }
                        }
                    }
                    return snapshot.ToJsonString();
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a snapshot SBKube wrote (edited by hand): show nothing rather than risk a secret.
                return Mask;
            }
            return json;
        }

        /// <summary>A manifest file with the data and stringData values of its Secret documents masked (and learned).</summary>
        public string RedactManifest(string yaml) => SecretManifests.Mask(yaml, v =>
        {
            LearnValue(v);
            return Masked(v);
        });

        /// <summary>Learns the secret leaves of a value tree so that <see cref="RedactText"/> can hide them anywhere.</summary>
        public void Learn(JsonNode? node, SensitivityRules? rules = null)
        {
            Redact(node, rules ?? SensitivityRules.None);
        }

        public void LearnValue(string? secret)
        {
            if (!string.IsNullOrEmpty(secret) && secret!.Length >= 3)
            {
                lock (_knownSecrets)
                {
                    _knownSecrets.Add(secret);
                }
            }
        }

        /// <summary>Replaces every known secret value in free text.</summary>
        public string? RedactText(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }
            string result = text!;
            string[] secrets;
            lock (_knownSecrets)
            {
                secrets = _knownSecrets.OrderByDescending(s => s.Length).ToArray();
            }
            foreach (string s in secrets)
            {
                result = result.Replace(s, Mask);
            }
            // Then a URL's password, wherever one turns up that nothing taught (a helm error quoting a repository URL).
            return UrlCredentials.MaskPasswords(result, LearnValue);
        }

        /// <summary>Masks a non-empty string or a number; a switch, an empty string or null holds no secret and stays.</summary>
        private JsonNode? MaskLeaf(JsonNode? value)
        {
            if (!(value is JsonValue v))
            {
                return value?.DeepClone();
            }
            if (v.TryGetValue(out string? s))
            {
                if (s == null || s.Length == 0)
                {
                    return v.DeepClone();
                }
                LearnValue(s);
                return JsonValue.Create(Masked(s));
            }
            if (v.TryGetValue(out bool _))
            {
                return v.DeepClone();
            }
            LearnValue(v.ToJsonString());
            return JsonValue.Create(Masked(v.ToJsonString()));
        }

        private JsonNode? MaskTree(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    var copy = new JsonObject();
                    foreach (KeyValuePair<string, JsonNode?> kv in obj)
                    {
                        copy[kv.Key] = MaskTree(kv.Value);
                    }
                    return copy;
                case JsonArray arr:
                    return new JsonArray(arr.Select(MaskTree).ToArray());
                default:
                    return MaskLeaf(node);
            }
        }
    }
}
