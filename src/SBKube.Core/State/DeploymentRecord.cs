using System;

namespace SBKube.Core.State
{
    /// <summary>One row of the deployments table: a revision of an app.</summary>
    public sealed class DeploymentRecord
    {
        public long Id { get; set; }
        public string Context { get; set; } = "";
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public int Revision { get; set; }
        public string ReleaseName { get; set; } = "";
        public string AppType { get; set; } = "helm";
        /// <summary>Helm's chart column form: <c>redis-17.13.2</c>.</summary>
        public string? Chart { get; set; }
        public string? ChartRef { get; set; }
        public string? ChartVersion { get; set; }
        public string Status { get; set; } = "";
        public int? HelmRevision { get; set; }
        /// <summary>UTC.</summary>
        public DateTime DeployedAt { get; set; }
        public string? Description { get; set; }
        /// <summary>JSON snapshot (<see cref="RevisionSnapshot"/>).</summary>
        public string? Config { get; set; }
        public string? ConfigHash { get; set; }
        /// <summary>Process that owns a pending row; null once finished.</summary>
        public int? OwnerPid { get; set; }
        public string? OwnerHost { get; set; }

        /// <summary>A copy with another snapshot text (used to hand out records with secrets masked).</summary>
        public DeploymentRecord WithConfig(string? config)
        {
            var copy = (DeploymentRecord)MemberwiseClone();
            copy.Config = config;
            return copy;
        }

        public override string ToString() => $"{Namespace}/{App} revision {Revision} ({Status})";
    }

    /// <summary>One row of deployment_history.</summary>
    public sealed class HistoryEntry
    {
        public long Id { get; set; }
        public long? DeploymentId { get; set; }
        public string Action { get; set; } = "";
        public DateTime Timestamp { get; set; }
        public string? User { get; set; }
        public string? Description { get; set; }
    }
}
