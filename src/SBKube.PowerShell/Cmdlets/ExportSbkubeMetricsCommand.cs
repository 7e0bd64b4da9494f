using System.IO;
using System.Management.Automation;
using SBKube.Core.Metrics;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Prometheus text format from the state DB, to the pipeline or a .prom file (node_exporter textfile collector).</summary>
    [Cmdlet(VerbsData.Export, "SbkubeMetrics")]
    [OutputType(typeof(string), typeof(FileInfo))]
    public sealed class ExportSbkubeMetricsCommand : SbkubeCmdlet
    {
        protected override bool ReadsOnly => true;

        /// <summary>File to write atomically (temp file + rename); without it the text goes to the pipeline.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>With -Path, also output the written file.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord() => Guard(() =>
        {
            if (Path == null)
            {
                WriteObject(MetricsExporter.Render(Store));
                return;
            }
            FileInfo file = MetricsExporter.WriteFile(Store, ResolvePath(Path));
            if (PassThru)
            {
                WriteObject(file);
            }
        }, Path);
    }
}
