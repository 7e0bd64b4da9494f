using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace SBKube.Core.Security
{
    /// <summary>
    /// The user:password (or token) a URL carries (https://ci:pw@charts.example.com). The password may hold
    /// '@', '/' or ':' as people write them, so the userinfo ends at the last '@' of the URL; an '@' in a path
    /// (an OCI digest, oci://host:5000/charts/web@sha256:...) is not userinfo.
    /// </summary>
    public static class UrlCredentials
    {
        public const string Mask = "***";

        private static readonly Regex Urls = new Regex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?<rest>[^\s""'<>]+)", RegexOptions.CultureInvariant);

        /// <summary>The URL without its userinfo, and the user and password it named (null when none).</summary>
        public static (string Url, string? User, string? Password) Split(string url)
        {
            Match m = Urls.Match(url);
            if (!m.Success || m.Index != 0 || !TryUserinfo(m.Groups["rest"].Value, out string user, out string? password, out string after))
            {
                return (url, null, null);
            }
            return (m.Groups["scheme"].Value + after + url.Substring(m.Length), user, password);
        }

        /// <summary>Every URL of <paramref name="text"/> with its password masked; <paramref name="seen"/> gets each password.</summary>
        public static string MaskPasswords(string text, Action<string>? seen = null) => Urls.Replace(text, m =>
        {
            if (!TryUserinfo(m.Groups["rest"].Value, out _, out string? password, out string after))
            {
                return m.Value;
            }
            // A user alone may be a token: masked here, but not learnt (a user name would mask too much elsewhere).
            if (password != null)
            {
                seen?.Invoke(password);
            }
            return m.Groups["scheme"].Value + Mask + "@" + after;
        });

        private static bool TryUserinfo(string rest, out string user, out string? password, out string after)
        {
            user = "";
            password = null;
            after = rest;
            int at = rest.LastIndexOf('@');
            if (at <= 0)
            {
                return false;
            }
            string userinfo = rest.Substring(0, at);
            int colon = userinfo.IndexOf(':');
            int slash = userinfo.IndexOf('/');
            if (slash >= 0 && (colon < 0 || colon > slash || IsPort(userinfo.Substring(colon + 1, slash - colon - 1))))
            {
                return false;
            }
            user = Uri.UnescapeDataString(colon < 0 ? userinfo : userinfo.Substring(0, colon));
            password = colon < 0 ? null : Uri.UnescapeDataString(userinfo.Substring(colon + 1));
            after = rest.Substring(at + 1);
            return true;
        }

        private static bool IsPort(string text) => text.Length > 0 && text.Length <= 5 && text.All(char.IsDigit);
    }
}
