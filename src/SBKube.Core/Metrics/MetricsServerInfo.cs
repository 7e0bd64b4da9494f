using System;

namespace SBKube.Core.Metrics
{
    /// <summary>What Start-SbkubeMetricsServer reports: where a background server listens.</summary>
    public sealed class MetricsServerInfo
    {
        public int Port { get; set; }
        public string Address { get; set; } = "";
        public string Url { get; set; } = "";
        /// <summary>When the server started in local time, as Get-Item's LastWriteTime; StartedAtUtc is the same instant in UTC.</summary>
        public DateTime StartedAt => StartedAtUtc.ToLocalTime();
        public DateTime StartedAtUtc { get; set; }

        public static MetricsServerInfo From(MetricsServer server) => new MetricsServerInfo
        {
            Port = server.Port,
            Address = server.Address.ToString(),
            Url = server.Url,
            StartedAtUtc = server.StartedAt,
        };

        public override string ToString() => Url;
    }
}
