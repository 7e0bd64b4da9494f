using System.Text.Json.Nodes;

namespace SBKube.Core.State
{
    /// <summary>
    /// How helm reaches the registry a chart comes from (never credentials): recorded with the revision so a
    /// rollback that has to pull the chart again reaches it the same way.
    /// </summary>
    public sealed class ChartAccess
    {
        public bool PlainHttp { get; set; }
        public bool InsecureSkipTlsVerify { get; set; }
        public string? CaFile { get; set; }
        public string? CertFile { get; set; }
        public string? KeyFile { get; set; }

        public bool IsEmpty => !PlainHttp && !InsecureSkipTlsVerify && CaFile == null && CertFile == null && KeyFile == null;

        /// <summary>
        /// How a chart of a registry or repository is fetched. helm upgrade and template do not take a repository's
        /// insecure_skip_tls_verify from its entry, so it (and the TLS files) go with each call; null for the defaults.
        /// </summary>
        public static ChartAccess? Of(Config.ChartSource? source)
        {
            if (source == null) return null;
            var access = new ChartAccess
            {
                PlainHttp = source.PlainHttp,
                InsecureSkipTlsVerify = source.InsecureSkipTlsVerify,
                CaFile = source.CaFile,
                CertFile = source.CertFile,
                KeyFile = source.KeyFile,
            };
            return access.IsEmpty ? null : access;
        }

        public JsonObject ToJson() => new JsonObject
        {
            ["plain_http"] = PlainHttp,
            ["insecure_skip_tls_verify"] = InsecureSkipTlsVerify,
            ["ca_file"] = CaFile,
            ["cert_file"] = CertFile,
            ["key_file"] = KeyFile,
        };

        public static ChartAccess? FromJson(JsonNode? node) => node is JsonObject o
            ? new ChartAccess
            {
                PlainHttp = (bool?)o["plain_http"] ?? false,
                InsecureSkipTlsVerify = (bool?)o["insecure_skip_tls_verify"] ?? false,
                CaFile = (string?)o["ca_file"],
                CertFile = (string?)o["cert_file"],
                KeyFile = (string?)o["key_file"],
            }
            : null;
    }
}
