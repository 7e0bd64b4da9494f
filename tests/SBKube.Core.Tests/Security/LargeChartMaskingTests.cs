using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using SBKube.Core.Security;
using Xunit;

namespace SBKube.Core.Tests.Security
{
    /// <summary>
    /// The values of a large real-world-shaped chart: exactly the secrets are masked, none of their
    /// neighbours (switches, empty values, names of Secrets and files, Secret key selectors).
    /// </summary>
    public sealed class LargeChartMaskingTests
    {
        /// <summary>Written by hand from the fixture: every path that holds a secret.</summary>
        private static readonly string[] Secrets =
        {
            "auth.password",
            "auth.acl.users[0].password",
            "master.extraEnvVars[0].value",
            "replica.externalMaster.password",
            "metrics.apiKey",
            "metrics.extraEnvVars[0].value",
            "metrics.serviceMonitor.bearerToken",
        };

        private static IEnumerable<string> Changed(string path, JsonNode? original, JsonNode? masked)
        {
            if (original is JsonObject o && masked is JsonObject m)
            {
                return o.SelectMany(kv => Changed(path.Length == 0 ? kv.Key : path + "." + kv.Key, kv.Value, m[kv.Key]));
            }
            if (original is JsonArray a && masked is JsonArray b)
            {
                return a.SelectMany((item, i) => Changed($"{path}[{i}]", item, b[i]));
            }
            return JsonNode.DeepEquals(original, masked) ? Array.Empty<string>() : new[] { path };
        }

        [Fact]
        public void Exactly_the_secrets_of_a_large_chart_are_masked()
        {
            string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Security", "fixtures", "redis-shaped-values.yaml"));
            JsonNode values = YamlValues.Parse(text, "redis-shaped-values.yaml")!;

            JsonNode masked = new SecretRedactor().Redact(values)!;

            Assert.Equal(Secrets.OrderBy(p => p, StringComparer.Ordinal), Changed("", values, masked).OrderBy(p => p, StringComparer.Ordinal));
            Assert.Equal("redis://***@redis-master:6379/0", (string)masked["metrics"]!["extraEnvVars"]![0]!["value"]!);
        }

        [Fact]
        public void A_key_named_key_outside_a_Secret_reference_is_still_a_secret()
        {
            JsonNode masked = new SecretRedactor().Redact(JsonNode.Parse("{\"license\": {\"key\": \"ABC-123\"}, \"tokenSecret\": {\"name\": \"t\", \"key\": \"k\"}}"))!;
            Assert.Equal("{\"license\":{\"key\":\"***\"},\"tokenSecret\":{\"name\":\"t\",\"key\":\"k\"}}", masked.ToJsonString());
        }
    }
}
