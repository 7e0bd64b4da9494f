using System.Management.Automation;
using SBKube.Core;
using SBKube.Core.Engine;
using SBKube.Core.Metrics;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>Stops metrics servers started with Start-SbkubeMetricsServer in this session.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "SbkubeMetricsServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    public sealed class StopSbkubeMetricsServerCommand : SbkubeCmdlet
    {
        /// <summary>Ports to stop; without it every server of this session stops.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, 65535)]
        public int[]? Port { get; set; }

        protected override void ProcessRecord()
        {
            if (Port == null)
            {
                foreach (MetricsServer s in MetricsServerRegistry.List())
                {
                    if (ShouldProcess(s.Url, "Stop the SBKube metrics server"))
                    {
                        MetricsServerRegistry.Stop(s.Port);
                    }
                }
                return;
            }
            foreach (int port in Port)
            {
                if (!ShouldProcess($"port {port}", "Stop the SBKube metrics server"))
                {
                    continue;
                }
                if (!MetricsServerRegistry.Stop(port))
                {
                    WriteNonTerminating(new SbkubeException(
                        $"No metrics server started with Start-SbkubeMetricsServer in this session listens on port {port}.",
                        ErrorIds.MetricsServerNotFound, ErrorKind.ObjectNotFound, port), port);
                }
            }
        }
    }
}
