using SBKube.Core.Config;

namespace SBKube.Core.State
{
    /// <summary>How an app type is stored (deployments.app_type, the snapshot's app_type), and back.</summary>
    public static class StoredAppType
    {
        public const string Helm = "helm";
        public const string Yaml = "yaml";

        public static string Of(AppType type) => type == AppType.Yaml ? Yaml : Helm;

        /// <summary>Rows written before app types were stored, and unknown text, are Helm apps.</summary>
        public static AppType Parse(string? stored) => stored == Yaml ? AppType.Yaml : AppType.Helm;
    }
}
