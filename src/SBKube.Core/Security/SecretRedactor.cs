using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SBKube.Core.Security
{
    /// <summary>
    /// Hides values whose key looks secret, in value trees and in free text (errors, descriptions).
    /// The key pattern is configurable through <c>$env:SBKUBE_SECRET_KEYS</c> (a regex).
    /// </summary>
    public sealed class SecretRedactor
    {
        public const string Mask = "***";
        public const string DefaultKeyPattern =
            "pass(word|wd)?|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|auth[-_]?key|certificate[-_]?key|client[-_]?key|^key$|pwd|bearer|session[-_]?key";

        private readonly Regex _keys;
        private readonly HashSet<string> _knownSecrets = new HashSet<string>(StringComparer.Ordinal);

        public SecretRedactor(string? keyPattern = null)
        {
            _keys = new Regex(keyPattern ?? DefaultKeyPattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }

        public static SecretRedactor FromEnvironment() =>
            new SecretRedactor(Environment.GetEnvironmentVariable("SBKUBE_SECRET_KEYS") is { Length: > 0 } p ? p : null);

        public bool IsSecretKey(string key) => _keys.IsMatch(key);

        /// <summary>A copy of <paramref name="node"/> with secret-keyed leaves masked; remembers the secrets it saw.</summary>
        public JsonNode? Redact(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    var copy = new JsonObject();
                    foreach (KeyValuePair<string, JsonNode?> kv in obj)
                    {
                        copy[kv.Key] = IsSecretKey(kv.Key) ? MaskTree(kv.Value) : Redact(kv.Value);
                    }
                    return copy;
                case JsonArray arr:
                    return new JsonArray(arr.Select(Redact).ToArray());
                default:
                    return node?.DeepClone();
            }
        }

        /// <summary>A revision snapshot (deployments.config) with its values masked; other text is returned as is.</summary>
        public string? RedactSnapshot(string? json)
        {
            if (string.IsNullOrEmpty(json))
            {
                return json;
            }
            try
            {
                if (JsonNode.Parse(json!) is JsonObject snapshot && snapshot["values"] is JsonNode values)
                {
                    snapshot["values"] = Redact(values);
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

        /// <summary>Learns the secret leaves of a value tree so that <see cref="RedactText"/> can hide them anywhere.</summary>
        public void Learn(JsonNode? node)
        {
            Redact(node);
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
            return result;
        }

        private JsonNode? MaskLeaf(JsonNode? value)
        {
            if (value == null)
            {
                return null;
            }
            LearnValue(value is JsonValue v && v.TryGetValue(out string? s) ? s : value.ToJsonString());
            return JsonValue.Create(Mask);
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
