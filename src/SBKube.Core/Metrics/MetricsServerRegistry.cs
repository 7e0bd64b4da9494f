using System.Collections.Generic;
using System.Linq;

namespace SBKube.Core.Metrics
{
    /// <summary>
    /// Servers started in the background (Start-SbkubeMetricsServer), keyed by port, so that
    /// Stop-SbkubeMetricsServer can find them later in the same process.
    /// </summary>
    public static class MetricsServerRegistry
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<int, MetricsServer> Servers = new Dictionary<int, MetricsServer>();

        /// <summary>Starts <paramref name="server"/> and records it; fails when this process already serves that port.</summary>
        public static void StartAndRegister(MetricsServer server)
        {
            lock (Gate)
            {
                server.Start();
                if (Servers.ContainsKey(server.Port))
                {
                    server.Stop();
                    throw new SbkubeException(
                        $"A metrics server started in this session already listens on port {server.Port}.",
                        ErrorIds.MetricsServerRunning, ErrorKind.ResourceBusy, server.Port,
                        next: new NextStep(NextStepKind.StopMetricsServer) { Port = server.Port });
                }
                Servers[server.Port] = server;
            }
        }

        public static IReadOnlyList<MetricsServer> List()
        {
            lock (Gate)
            {
                return Servers.Values.OrderBy(s => s.Port).ToList();
            }
        }

        /// <summary>Stops and forgets the server on <paramref name="port"/>; false when there is none.</summary>
        public static bool Stop(int port)
        {
            MetricsServer? server;
            lock (Gate)
            {
                if (!Servers.TryGetValue(port, out server))
                {
                    return false;
                }
                Servers.Remove(port);
            }
            server.Dispose();
            return true;
        }

        /// <summary>Stops every registered server; returns how many.</summary>
        public static int StopAll()
        {
            List<MetricsServer> all;
            lock (Gate)
            {
                all = Servers.Values.ToList();
                Servers.Clear();
            }
            foreach (MetricsServer s in all)
            {
                s.Dispose();
            }
            return all.Count;
        }
    }
}
