using SBKube.Core.Security;
using Xunit;

namespace SBKube.Core.Tests.Security
{
    public sealed class UrlCredentialsTests
    {
        [Theory]
        [InlineData("https://ci:pw@charts.example.com/x", "https://***@charts.example.com/x", "pw")]
        [InlineData("https://user:p@ss@host/", "https://***@host/", "p@ss")]
        [InlineData("https://user:pa/ss@host/", "https://***@host/", "pa/ss")]
        [InlineData("https://user:pa:ss@host:8443/a", "https://***@host:8443/a", "pa:ss")]
        [InlineData("https://user:p%40ss@host/", "https://***@host/", "p@ss")]
        [InlineData("failed to fetch https://ci:s3cret@charts.example.com/index.yaml : 401", "failed to fetch https://***@charts.example.com/index.yaml : 401", "s3cret")]
        public void Passwords_are_masked_whatever_characters_they_hold(string text, string masked, string password)
        {
            string? seen = null;
            Assert.Equal(masked, UrlCredentials.MaskPasswords(text, p => seen = p));
            Assert.Equal(password, seen);
        }

        [Theory]
        [InlineData("oci://ghcr.io/org/charts/web@sha256:0123abcd")]
        [InlineData("oci://registry.example.com:5000/charts/web@sha256:0123abcd")]
        [InlineData("https://charts.example.com/stable")]
        public void An_at_sign_in_a_path_is_not_userinfo(string url)
        {
            Assert.Equal(url, UrlCredentials.MaskPasswords(url, _ => Assert.Fail("no password here")));
            Assert.Equal((url, null, null), UrlCredentials.Split(url));
        }

        [Fact]
        public void Split_takes_the_credentials_out_of_the_url()
        {
            Assert.Equal(("https://charts.example.com/x", "ci", "p@ss/1"), UrlCredentials.Split("https://ci:p@ss/1@charts.example.com/x"));
            Assert.Equal(("https://charts.example.com", "token", null), UrlCredentials.Split("https://token@charts.example.com"));
        }

        [Fact]
        public void A_helm_error_quoting_a_url_with_credentials_is_masked_by_RedactText()
        {
            var redactor = new SecretRedactor();
            Assert.Equal("looks like \"https://***@host/charts\" is not a valid chart repository",
                redactor.RedactText("looks like \"https://ci:Sup3r@Secret@host/charts\" is not a valid chart repository"));
            // And the password is known from then on, wherever it appears alone.
            Assert.Equal("pw was ***", redactor.RedactText("pw was Sup3r@Secret"));
        }
    }
}
