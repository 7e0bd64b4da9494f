using System.Text.Json.Nodes;
using SBKube.Core.Security;
using Xunit;

namespace SBKube.Core.Tests.Security
{
    public sealed class SecretRedactorTests
    {
        private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

        [Theory]
        [InlineData("password")]
        [InlineData("PASSWORD")]
        [InlineData("dbPassword")]
        [InlineData("passwd")]
        [InlineData("secret")]
        [InlineData("clientSecret")]
        [InlineData("token")]
        [InlineData("authToken")]
        [InlineData("apiKey")]
        [InlineData("api_key")]
        [InlineData("API-KEY")]
        [InlineData("credential")]
        [InlineData("awsCredentials")]
        [InlineData("key")]
        [InlineData("privateKey")]
        public void SecretKeys_AreRecognised_CaseInsensitively(string key) =>
            Assert.True(new SecretRedactor().IsSecretKey(key), key);

        [Theory]
        [InlineData("architecture")]
        [InlineData("replicaCount")]
        [InlineData("size")]
        [InlineData("image")]
        [InlineData("keyspace")]
        [InlineData("monkey")]
        public void OrdinaryKeys_AreNot(string key) => Assert.False(new SecretRedactor().IsSecretKey(key), key);

        [Fact]
        public void Redact_MasksNestedSecretLeaves_AndLeavesTheRest()
        {
            JsonObject values = Parse("{\"architecture\":\"standalone\",\"auth\":{\"password\":\"state-demo-v3\",\"enabled\":true}," +
                                      "\"master\":{\"persistence\":{\"size\":\"2Gi\"}},\"extraEnv\":[{\"name\":\"X\",\"apiKey\":\"abc123\"}]," +
                                      "\"tls\":{\"secret\":{\"cert\":\"C\",\"nested\":[\"n1\",\"n2\"]}},\"Token\":42}");
            var r = new SecretRedactor();

            JsonObject red = (JsonObject)r.Redact(values)!;

            Assert.Equal("standalone", (string?)red["architecture"]);
            Assert.Equal("***", (string?)red["auth"]!["password"]);
            Assert.True((bool)red["auth"]!["enabled"]!);
            Assert.Equal("2Gi", (string?)red["master"]!["persistence"]!["size"]);
            Assert.Equal("X", (string?)red["extraEnv"]![0]!["name"]);
            Assert.Equal("***", (string?)red["extraEnv"]![0]!["apiKey"]);
            Assert.Equal("***", (string?)red["tls"]!["secret"]!["cert"]);
            Assert.Equal("***", (string?)red["tls"]!["secret"]!["nested"]![1]);
            Assert.Equal("***", (string?)red["Token"]);
            // the input is not modified
            Assert.Equal("state-demo-v3", (string?)values["auth"]!["password"]);
            Assert.DoesNotContain("state-demo-v3", red.ToJsonString());
            Assert.DoesNotContain("abc123", red.ToJsonString());
        }

        [Fact]
        public void Redact_KeepsNullsAsNull()
        {
            JsonObject red = (JsonObject)new SecretRedactor().Redact(Parse("{\"password\":null}"))!;
            Assert.Null(red["password"]);
        }

        [Fact]
        public void CustomPattern_ReplacesTheDefault()
        {
            var r = new SecretRedactor("^internal[A-Z]");
            Assert.True(r.IsSecretKey("internalUrl"));
            Assert.False(r.IsSecretKey("password"));
            JsonObject red = (JsonObject)r.Redact(Parse("{\"internalUrl\":\"http://10.0.0.1\",\"password\":\"visible\"}"))!;
            Assert.Equal("***", (string?)red["internalUrl"]);
            Assert.Equal("visible", (string?)red["password"]);
        }

        [Fact]
        public void RedactText_ReplacesLearnedValues()
        {
            var r = new SecretRedactor();
            r.Learn(Parse("{\"auth\":{\"password\":\"hunter2-xyz\",\"user\":\"bob\"},\"token\":\"tok-123456\"}"));
            r.LearnValue("repo-pass-99");
            r.LearnValue("ab"); // too short to hide safely

            string text = r.RedactText("login bob:hunter2-xyz failed; token tok-123456; repo-pass-99; ab")!;

            Assert.Equal("login bob:*** failed; token ***; ***; ab", text);
            Assert.Null(r.RedactText(null));
            Assert.Equal("", r.RedactText(""));
        }

        [Fact]
        public void RedactText_HidesTheLongestSecretFirst()
        {
            var r = new SecretRedactor();
            r.LearnValue("secret");
            r.LearnValue("secret-extended");
            Assert.Equal("x *** y", r.RedactText("x secret-extended y"));
        }

        [Fact]
        public void RedactText_KnowsNothingBeforeLearning()
        {
            Assert.Equal("hunter2-xyz", new SecretRedactor().RedactText("hunter2-xyz"));
        }

        [Fact]
        public void Switches_empty_values_and_names_of_secrets_or_files_are_not_masked()
        {
            var r = new SecretRedactor();
            JsonNode masked = r.Redact(Parse(
                "{\"auth\":{\"enabled\":true,\"usePasswordFiles\":true,\"password\":\"\",\"existingSecret\":\"my-secret\"," +
                "\"existingSecretPasswordKey\":\"redis-password\",\"passwordFile\":\"/run/pw\"}," +
                "\"serviceAccount\":{\"automountServiceAccountToken\":false},\"tls\":{\"secretName\":\"web-tls\"}," +
                "\"token\":null}")!)!;
            Assert.Equal(
                "{\"auth\":{\"enabled\":true,\"usePasswordFiles\":true,\"password\":\"\",\"existingSecret\":\"my-secret\"," +
                "\"existingSecretPasswordKey\":\"redis-password\",\"passwordFile\":\"/run/pw\"}," +
                "\"serviceAccount\":{\"automountServiceAccountToken\":false},\"tls\":{\"secretName\":\"web-tls\"}," +
                "\"token\":null}", masked.ToJsonString());
        }

        [Fact]
        public void Secret_strings_and_numbers_are_masked_and_learned()
        {
            var r = new SecretRedactor();
            JsonNode masked = r.Redact(Parse("{\"auth\":{\"password\":\"pw-1\",\"adminPw\":\"adm-2\"},\"pin\":{\"secret\":123456},\"secretKey\":\"AKIA-9\"}")!)!;
            Assert.Equal("{\"auth\":{\"password\":\"***\",\"adminPw\":\"***\"},\"pin\":{\"secret\":\"***\"},\"secretKey\":\"***\"}", masked.ToJsonString());
            Assert.Equal("*** *** *** ***", r.RedactText("pw-1 adm-2 123456 AKIA-9"));
        }

        [Fact]
        public void The_password_of_a_url_and_the_value_of_a_secret_env_pair_are_masked()
        {
            var r = new SecretRedactor();
            JsonNode masked = r.Redact(Parse(
                "{\"database\":{\"url\":\"postgres://app:Pw-77@db:5432/app\",\"public\":\"https://charts.example.com/x\"}," +
                "\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"Pw-88\"},{\"name\":\"LOG_LEVEL\",\"value\":\"debug\"}]}")!)!;
            Assert.Equal(
                "{\"database\":{\"url\":\"postgres://***@db:5432/app\",\"public\":\"https://charts.example.com/x\"}," +
                "\"env\":[{\"name\":\"DB_PASSWORD\",\"value\":\"***\"},{\"name\":\"LOG_LEVEL\",\"value\":\"debug\"}]}",
                masked.ToJsonString());
            Assert.Equal("connect *** as ***", r.RedactText("connect Pw-77 as Pw-88"));
        }

        [Fact]
        public void Secret_manifests_have_every_data_and_stringData_value_masked_and_keep_their_layout()
        {
            var r = new SecretRedactor();
            const string yaml =
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n---\n" +
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: UHctOTk=\n" +
                "stringData:\n  url: \"postgres://app:Pw-99@db\"\n  note: |\n    line one\n    line two\n";

            string masked = r.RedactManifest(yaml);

            Assert.Equal(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n---\n" +
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: ***\n" +
                "stringData:\n  url: ***\n  note: ***", masked.TrimEnd('\n'));
            Assert.Equal("*** and ***", r.RedactText("UHctOTk= and postgres://app:Pw-99@db"));
        }

        [Fact]
        public void Secrets_inside_a_List_at_any_depth_are_masked_too()
        {
            var r = new SecretRedactor();
            const string yaml =
                "apiVersion: v1\nkind: List\nitems:\n" +
                "- apiVersion: v1\n  kind: Secret\n  metadata: {name: a}\n  stringData:\n    token: in-a-list\n" +
                "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data:\n    shown: visible\n" +
                "- apiVersion: v1\n  kind: List\n  items:\n  - kind: Secret\n    metadata: {name: b}\n    data:\n      key: ZGVlcGVy\n";

            string masked = r.RedactManifest(yaml);

            Assert.DoesNotContain("in-a-list", masked);
            Assert.DoesNotContain("ZGVlcGVy", masked);
            Assert.Contains("shown: visible", masked);
            Assert.Equal("*** then ***", r.RedactText("in-a-list then ZGVlcGVy"));
        }

        [Fact]
        public void A_snapshot_shows_its_secret_manifests_masked_and_other_manifests_as_they_are()
        {
            var r = new SecretRedactor();
            string snapshot = "{\"app_type\":\"yaml\",\"manifests\":[" +
                "{\"file\":\"secret.yaml\",\"content\":\"kind: Secret\\nstringData:\\n  token: abc-123\\n\"}," +
                "{\"file\":\"cm.yaml\",\"content\":\"kind: ConfigMap\\ndata:\\n  token: visible\\n\"}]}";

            JsonNode shown = JsonNode.Parse(r.RedactSnapshot(snapshot)!)!;

            Assert.Equal("kind: Secret\nstringData:\n  token: ***\n", (string?)shown["manifests"]![0]!["content"]);
            Assert.Equal("kind: ConfigMap\ndata:\n  token: visible\n", (string?)shown["manifests"]![1]!["content"]);
        }
    }
}
