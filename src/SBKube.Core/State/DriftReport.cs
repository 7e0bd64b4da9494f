namespace SBKube.Core.State
{
    /// <summary>A release whose Helm state differs from what SBKube recorded (someone ran helm by hand, or the store is behind).</summary>
    public sealed class DriftReport
    {
        public string Namespace { get; set; } = "";
        public string App { get; set; } = "";
        public string ReleaseName { get; set; } = "";
        public int Revision { get; set; }
        public int? RecordedHelmRevision { get; set; }
        public int? HelmRevision { get; set; }
        public string? HelmStatus { get; set; }
        public string Drift { get; set; } = "";
    }
}
