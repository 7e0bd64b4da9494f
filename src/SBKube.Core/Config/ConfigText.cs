using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace SBKube.Core.Config
{
    /// <summary>Name rules, Go durations, did-you-mean and redaction helpers.</summary>
    public static class ConfigText
    {
        private static readonly Regex Dns1123Label = new Regex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant);

        // Helm's release name rule: DNS-1123 subdomain-like, at most 53 characters.
        private static readonly Regex ReleaseRegex = new Regex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant);

        public const int MaxLabelLength = 63;
        public const int MaxReleaseNameLength = 53;

        public const string LabelRule = "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

        public const string KubeContextRule = "a kube context name: not starting with '-', without spaces or control characters, at most 253 characters";

        public const string ChartVersionRule = "a chart version or range such as 17.13.2, ^17.13 or '>=17.0.0 <18.0.0', not starting with '-'";

        private static readonly Regex ChartVersionChars = new Regex(@"^[0-9A-Za-z.+^~<>=*!,| -]+$", RegexOptions.CultureInvariant);

        /// <summary>
        /// A kubeconfig context name as SBKube passes it to --kube-context and records it: kubeconfig
        /// allows almost anything, but a leading '-' would read as a flag and spaces or control
        /// characters are never a real cluster's name.
        /// </summary>
        public static bool IsKubeContextName(string? s) =>
            s != null && s.Length > 0 && s.Length <= 253 && s[0] != '-' && !s.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

        /// <summary>Why <paramref name="s"/> is not a kube context name, or null when it is one.</summary>
        public static string? ExplainKubeContext(string s) =>
            IsKubeContextName(s) ? null : $"'{s}' is not a kube context name: expected {KubeContextRule}.";

        /// <summary>A chart version or semver range as Helm's --version takes it.</summary>
        public static bool IsChartVersion(string? s) =>
            s != null && s.Trim().Length > 0 && s.Length <= 128 && s[0] != '-' && ChartVersionChars.IsMatch(s);

        /// <summary>Kubernetes DNS-1123 label: lowercase alphanumerics and '-', start and end alphanumeric, at most 63.</summary>
        public static bool IsDns1123Label(string? s) => s != null && s.Length <= MaxLabelLength && Dns1123Label.IsMatch(s);

        /// <summary>Helm release name charset (length checked separately).</summary>
        public static bool IsReleaseNameCharset(string? s) => s != null && ReleaseRegex.IsMatch(s);

        public static bool IsValidReleaseName(string? s) => IsReleaseNameCharset(s) && s!.Length <= MaxReleaseNameLength;

        /// <summary>Why a name is not a DNS-1123 label, or null when it is valid.</summary>
        public static string? ExplainLabel(string s)
        {
            if (s.Length == 0) return "it is empty";
            if (s.Length > MaxLabelLength) return $"it is {s.Length} characters long (at most {MaxLabelLength})";
            if (s.Any(char.IsUpper)) return "it contains uppercase letters";
            var bad = s.FirstOrDefault(ch => !(ch >= 'a' && ch <= 'z') && !(ch >= '0' && ch <= '9') && ch != '-');
            if (bad != default(char)) return $"it contains {DescribeChar(bad)}";
            if (s[0] == '-' || s[s.Length - 1] == '-') return "it must start and end with a letter or digit";
            return null;
        }

        private static string DescribeChar(char c)
        {
            if (c == ' ') return "a space";
            if (c == '\t') return "a tab";
            if (char.IsControl(c)) return $"the control character U+{(int)c:X4}";
            return $"'{c}'";
        }

        /// <summary>Edit distance (insertions, deletions, substitutions, adjacent transpositions).</summary>
        public static int Levenshtein(string a, string b) => OptimalStringAlignment(a, b);

        /// <summary>The closest candidate within a small edit distance (case, '-' vs '_' and camelCase forgiven), or null.</summary>
        public static string? DidYouMean(string value, IEnumerable<string> candidates)
        {
            var norm = Normalize(value);
            string? best = null;
            var bestDist = int.MaxValue;
            foreach (var c in candidates)
            {
                var cn = Normalize(c);
                int d = cn == norm ? 0 : OptimalStringAlignment(norm, cn);
                var limit = Math.Max(1, Math.Min(2, c.Length / 3));
                if (d <= limit && d < bestDist)
                {
                    best = c;
                    bestDist = d;
                }
            }
            return best;
        }

        internal static string Hint(string value, IEnumerable<string> candidates)
        {
            var s = DidYouMean(value, candidates);
            return s == null ? "" : $" (did you mean '{s}'?)";
        }

        private static string Normalize(string s) => s.Replace("-", "").Replace("_", "").ToLowerInvariant();

        /// <summary>Edit distance counting an adjacent transposition as one edit.</summary>
        internal static int OptimalStringAlignment(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= b.Length; j++) d[0, j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                for (int j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
            return d[a.Length, b.Length];
        }

        /// <summary>Removes user:password@ from a URL for display.</summary>
        public static string RedactUrl(string url) => Security.UrlCredentials.MaskPasswords(url);

        internal static string Quote(string s) => "'" + s + "'";
    }
}
