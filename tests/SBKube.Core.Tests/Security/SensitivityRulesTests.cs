using System.Linq;
using System.Text.Json.Nodes;
using SBKube.Core.Config;
using SBKube.Core.Security;
using SBKube.Core.State;
using SBKube.Core.Tests.Config;
using Xunit;

namespace SBKube.Core.Tests.Security
{
    /// <summary>An app's sensitive: / not_sensitive: lists correct the secret rules for its values.</summary>
    public sealed class SensitivityRulesTests
    {
        private static JsonObject Values() => (JsonObject)JsonNode.Parse(
            "{\"database\":{\"dsn\":\"host=db user=app\"},\"metrics\":{\"token\":\"public-dashboard\"}," +
            "\"auth\":{\"password\":\"pw-1\"},\"extraEnv\":[{\"name\":\"MODE\",\"value\":\"fast\"},{\"name\":\"PLAIN\",\"value\":\"x-secret-x\"}]}")!;

        [Fact]
        public void Sensitive_paths_are_masked_and_not_sensitive_ones_shown_the_rest_as_the_rules_say()
        {
            var rules = new SensitivityRules(new[] { "database.dsn", "extraEnv[1].value" }, new[] { "metrics.token" });
            var redactor = new SecretRedactor();

            JsonNode shown = redactor.Redact(Values(), rules)!;

            Assert.Equal("***", (string?)shown["database"]!["dsn"]);
            Assert.Equal("public-dashboard", (string?)shown["metrics"]!["token"]);
            Assert.Equal("***", (string?)shown["auth"]!["password"]);
            Assert.Equal("fast", (string?)shown["extraEnv"]![0]!["value"]);
            Assert.Equal("***", (string?)shown["extraEnv"]![1]!["value"]);
            // Learned too: free text hides the value the app called sensitive.
            Assert.Equal("connect with ***", redactor.RedactText("connect with host=db user=app"));
        }

        [Fact]
        public void Without_rules_the_general_rules_alone_decide()
        {
            JsonNode shown = new SecretRedactor().Redact(Values())!;
            Assert.Equal("host=db user=app", (string?)shown["database"]!["dsn"]);
            Assert.Equal("***", (string?)shown["metrics"]!["token"]);
        }

        [Fact]
        public void A_snapshot_is_masked_by_the_rules_it_was_recorded_with_and_they_do_not_change_its_hash()
        {
            var plain = new RevisionSnapshot { ReleaseName = "api", Namespace = "prod", Values = Values() };
            var ruled = new RevisionSnapshot
            {
                ReleaseName = "api", Namespace = "prod", Values = Values(),
                Sensitive = { "database.dsn" }, NotSensitive = { "metrics.token" },
            };
            Assert.Equal(plain.ComputeHash(), ruled.ComputeHash());
            Assert.DoesNotContain("sensitive", plain.ToJsonString());

            JsonObject masked = (JsonObject)JsonNode.Parse(new SecretRedactor().RedactSnapshot(ruled.ToJsonString())!)!;
            Assert.Equal("***", (string?)masked["values"]!["database"]!["dsn"]);
            Assert.Equal("public-dashboard", (string?)masked["values"]!["metrics"]!["token"]);
            RevisionSnapshot back = RevisionSnapshot.FromJson(ruled.ToJsonString());
            Assert.Equal(new[] { "database.dsn" }, back.Sensitive);
            Assert.Equal(new[] { "metrics.token" }, back.NotSensitive);
        }

        [Fact]
        public void Config_reads_the_lists_and_refuses_malformed_or_contradicting_paths()
        {
            using var p = new TempProject();
            p.Config("apps:\n  api:\n    chart: bitnami/nginx\n    sensitive: [database.dsn, 'extraEnv[1].value']\n    not_sensitive: metrics.token\n");
            AppConfig api = p.Load().Apps.Single();
            Assert.Equal(new[] { "database.dsn", "extraEnv[1].value" }, api.Sensitive);
            Assert.Equal(new[] { "metrics.token" }, api.NotSensitive);

            p.Config("apps:\n  api:\n    chart: bitnami/nginx\n    sensitive: ['bad path', 'a..b', auth.password]\n    not_sensitive: [auth.password]\n");
            var issues = p.Validate();
            Assert.Equal(3, issues.Count);
            Assert.All(issues, i => Assert.Equal(ConfigIssueCodes.InvalidValue, i.Code));
            Assert.Contains(issues, i => i.Value == "bad path" && i.Message.Contains("not a values path"));
            Assert.Contains(issues, i => i.Value == "a..b");
            Assert.Contains(issues, i => i.Value == "auth.password" && i.Message.Contains("both"));

            p.Write("m.yaml", "kind: X\n");
            p.Config("apps:\n  web:\n    type: yaml\n    manifests: [m.yaml]\n    sensitive: [a]\n");
            Assert.Equal(ConfigIssueCodes.UnknownKey, Assert.Single(p.Validate()).Code);
        }
    }
}
