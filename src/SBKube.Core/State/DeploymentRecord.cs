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
        public string AppType { get; set; } = StoredAppType.Helm;
        /// <summary><see cref="AppType"/> as the type engines dispatch on.</summary>
        internal Config.AppType Kind => StoredAppType.Parse(AppType);
        /// <summary>Helm's chart column form: <c>redis-17.13.2</c>.</summary>
        public string? Chart { get; set; }
        public string? ChartRef { get; set; }
        public string? ChartVersion { get; set; }
        public string Status { get; set; } = "";
        public int? HelmRevision { get; set; }
        /// <summary>When the revision was written in local time, as Get-Item's LastWriteTime; DeployedAtUtc is the same instant in UTC.</summary>
        public DateTime DeployedAt => DeployedAtUtc.ToLocalTime();
        public DateTime DeployedAtUtc { get; set; }
        public string? Description { get; set; }
        /// <summary>JSON snapshot (<see cref="RevisionSnapshot"/>).</summary>
        public string? Config
        {
            get
            {
                Func<string?, string?>? mask = _mask;
                if (mask != null)
                {
                    _config = mask(_config);
                    _mask = null;
                }
                return _config;
            }
            set
            {
                _config = value;
                _mask = null;
            }
        }

        private string? _config;
        // Set by WithMaskedConfig: applied on the first read, so rows listed but never shown cost no JSON parsing.
        private Func<string?, string?>? _mask;
        public string? ConfigHash { get; set; }
        /// <summary>Process that owns a pending row; null once finished.</summary>
        public int? OwnerPid { get; set; }
        public string? OwnerHost { get; set; }
        /// <summary>The owner's kernel, PID namespace and start (<see cref="CurrentProcess.Instance"/>); null on rows of older SBKube.</summary>
        public string? OwnerInstance { get; set; }

        /// <summary>A copy with another snapshot text (used to hand out records with secrets masked).</summary>
        public DeploymentRecord WithConfig(string? config)
        {
            var copy = (DeploymentRecord)MemberwiseClone();
            copy.Config = config;
            return copy;
        }

        /// <summary>A copy whose snapshot text is <paramref name="mask"/> applied to this one, worked out when first read.</summary>
        public DeploymentRecord WithMaskedConfig(Func<string?, string?> mask)
        {
            var copy = (DeploymentRecord)MemberwiseClone();
            copy.MaskConfig(mask);
            return copy;
        }

        /// <summary>Masks this record's snapshot text itself: for a record nobody else holds yet (a listing's fresh row).</summary>
        internal void MaskConfig(Func<string?, string?> mask)
        {
            Func<string?, string?>? before = _mask;
            _mask = before == null ? mask : (c => mask(before(c)));
        }

        public override string ToString() => $"{Namespace}/{App} revision {Revision} ({Status})";
    }

    /// <summary>The widest values of the state list's columns, so a table can be printed while it streams.</summary>
    public sealed class StateListWidths
    {
        public StateListWidths(int ns, int app, int revision, int status, int chart)
        {
            Namespace = ns;
            App = app;
            Revision = revision;
            Status = status;
            Chart = chart;
        }

        public int Namespace { get; }
        public int App { get; }
        /// <summary>Digits of the highest revision.</summary>
        public int Revision { get; }
        public int Status { get; }
        public int Chart { get; }
    }

    /// <summary>One row of deployment_history: what was done, when, by whom, from where and with what.</summary>
    public class HistoryEntry
    {
        public long Id { get; set; }
        public long? DeploymentId { get; set; }
        public string Action { get; set; } = "";
        /// <summary>When it happened in local time, as Get-Item's LastWriteTime; TimestampUtc is the same instant in UTC.</summary>
        public DateTime Timestamp => TimestampUtc.ToLocalTime();
        public DateTime TimestampUtc { get; set; }
        public string? User { get; set; }
        public string? Description { get; set; }
        /// <summary>The app a row without a revision is about (an attempt); the revision's own row says it otherwise.</summary>
        public string? Context { get; set; }
        public string? Namespace { get; set; }
        public string? App { get; set; }
        /// <summary>How an attempt ended, as recorded (Failed, Cancelled); null for rows whose revision says it, or older rows.</summary>
        public string? RecordedOutcome { get; set; }
        /// <summary>The ErrorId of a failed or refused attempt (LockHeld, Helm.ChartNotFound, ...).</summary>
        public string? ErrorId { get; set; }
        public string? Host { get; set; }
        public int? ProcessId { get; set; }
        /// <summary>The CI or automation run that made it (a URL where the system gives one).</summary>
        public string? CiRun { get; set; }
        /// <summary>The git commit of the config folder an apply read, and whether the folder differed from it.</summary>
        public string? ConfigCommit { get; set; }
        public bool? ConfigDirty { get; set; }
        public string? HelmVersion { get; set; }
        public string? SbkubeVersion { get; set; }
    }
}
