using System;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// The outcomes an <see cref="AppResult"/> can have. They are strings, as revision statuses are, so
    /// ConvertTo-Json, Export-Csv and every other tool write their names.
    /// </summary>
    public static class AppOutcome
    {
        public const string Installed = nameof(Installed);
        public const string Upgraded = nameof(Upgraded);
        public const string Unchanged = nameof(Unchanged);
        public const string RolledBack = nameof(RolledBack);
        public const string Uninstalled = nameof(Uninstalled);
        public const string Failed = nameof(Failed);
        public const string Skipped = nameof(Skipped);
    }

    /// <summary>What happened to one app in an apply, rollback or delete.</summary>
    public sealed class AppResult
    {
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public string ReleaseName { get; set; } = "";
        public string Operation { get; set; } = "";
        /// <summary>One of the <see cref="AppOutcome"/> names.</summary>
        public string Outcome { get; set; } = AppOutcome.Installed;
        public int? Revision { get; set; }
        public int? HelmRevision { get; set; }
        public string? Status { get; set; }
        public string? Chart { get; set; }
        public string? Description { get; set; }
        /// <summary>Why it failed or was skipped (secrets redacted).</summary>
        public string? Message { get; set; }
        /// <summary>Stable error class for failures (e.g. HelmTimeout, ChartNotFound).</summary>
        public string? ErrorId { get; set; }

        /// <summary>What to do about a failure, when the engine knows; the host words it.</summary>
        public NextStep? Next { get; set; }
        public TimeSpan Duration { get; set; }
        public DeploymentRecord? Record { get; set; }

        public bool Succeeded => Outcome != AppOutcome.Failed && Outcome != AppOutcome.Skipped;

        public override string ToString() => $"{Namespace}/{App}: {Outcome}" + (Revision.HasValue ? $" (revision {Revision})" : "");
    }
}
