using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SBKube.Core.Security;
using Xunit;

namespace SBKube.Core.Tests.Security
{
    /// <summary>Masked secrets carry a keyed fingerprint: equal values alike, changed values told apart, keys per store.</summary>
    public sealed class FingerprintTests
    {
        private static SecretRedactor WithKey(byte fill) => new SecretRedactor { FingerprintKey = Enumerable.Repeat(fill, 32).ToArray() };

        private static string Password(SecretRedactor r, string value) =>
            (string)r.Redact(JsonNode.Parse($"{{\"auth\": {{\"password\": \"{value}\"}}}}"))!["auth"]!["password"]!;

        [Fact]
        public void Without_a_key_a_secret_is_three_stars()
        {
            Assert.Equal("***", Password(new SecretRedactor(), "state-demo-v1"));
        }

        [Fact]
        public void With_a_key_the_same_secret_has_the_same_fingerprint_and_another_secret_another()
        {
            SecretRedactor r = WithKey(1);
            string v1 = Password(r, "state-demo-v1");
            Assert.Matches(new Regex("^\\*\\*\\*:[0-9a-f]{8}$"), v1);
            Assert.Equal(v1, Password(r, "state-demo-v1"));
            Assert.NotEqual(v1, Password(r, "state-demo-v2"));
            Assert.DoesNotContain("state-demo", v1, StringComparison.Ordinal);
        }

        [Fact]
        public void Another_store_key_gives_other_fingerprints_so_none_can_be_looked_up_elsewhere()
        {
            Assert.NotEqual(Password(WithKey(1), "hunter2"), Password(WithKey(2), "hunter2"));
        }

        [Fact]
        public void Numbers_are_fingerprinted_and_switches_and_empty_values_stay()
        {
            SecretRedactor r = WithKey(3);
            JsonNode masked = r.Redact(JsonNode.Parse("{\"token\": 12345, \"usePassword\": true, \"password\": \"\"}"))!;
            Assert.Matches(new Regex("^\\*\\*\\*:[0-9a-f]{8}$"), (string)masked["token"]!);
            Assert.True((bool)masked["usePassword"]!);
            Assert.Equal("", (string)masked["password"]!);
        }
    }
}
