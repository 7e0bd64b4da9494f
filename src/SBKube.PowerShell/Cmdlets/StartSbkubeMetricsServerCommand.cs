using System;
using System.Management.Automation;
using System.Threading;
using SBKube.Core.Metrics;

namespace SBKube.PowerShell.Cmdlets
{
    /// <summary>
    /// Serves /metrics for Prometheus (seed: sbkube state export-metrics --port 9090). Like Start-Job, it
    /// returns a server object and serves in the background until Stop-SbkubeMetricsServer; with -Wait it
    /// serves in the foreground until Ctrl+C, as the seed's command does.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "SbkubeMetricsServer")]
    [OutputType(typeof(MetricsServerInfo))]
    public sealed class StartSbkubeMetricsServerCommand : SbkubeCmdlet, IDisposable
    {
        protected override bool ReadsOnly => true;

        /// <summary>TCP port; 0 picks a free one.</summary>
        [Parameter(Position = 0)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; } = 9090;

        /// <summary>IP address to bind; the default serves this host only.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Address { get; set; } = "127.0.0.1";

        /// <summary>Serve in the foreground until Ctrl+C, writing no object (the seed's behaviour).</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        private readonly ManualResetEvent _stopped = new ManualResetEvent(false);
        private MetricsServer? _server;

        protected override void EndProcessing() => Guard(() =>
        {
            MetricsServer server = MetricsServer.ForStore(Store, Address, Port);
            if (!Wait)
            {
                MetricsServerRegistry.StartAndRegister(server);
                WriteVerbose($"Serving SBKube metrics at {server.Url}; stop with Stop-SbkubeMetricsServer -Port {server.Port}.");
                WriteObject(MetricsServerInfo.From(server));
                return;
            }
            _server = server;
            server.Start();
            // Shown like Write-Host, so the address is visible without -Verbose.
            WriteInformation(new HostInformationMessage
            {
                Message = $"Serving SBKube metrics at {server.Url} from '{Store.Path}'. Press Ctrl+C to stop.",
            }, new[] { "PSHOST" });
            _stopped.WaitOne();
            server.Dispose();
        });

        protected override void StopProcessing() => _stopped.Set();

        public void Dispose()
        {
            _server?.Dispose();
            _stopped.Dispose();
        }
    }
}
