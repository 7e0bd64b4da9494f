using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeStandIn
{
    /// <summary>
    /// kube-standin --dir DIR [--port N] [--parent-pid PID] [--charts DIR [--chart-auth USER:PASSWORD]] [--tls-cert PEM --tls-key PEM]
    /// Serves a Kubernetes API stand-in on 127.0.0.1 (a random port unless given), writes DIR/kubeconfig
    /// (context "standin") and DIR/server.json, logs each request to DIR/requests.log, reads DIR/faults.json,
    /// exits when PID (the test run that started it) is gone, and with --charts serves a chart repository too.
    /// With --tls-cert and --tls-key it also serves HTTPS on a random port, written to DIR/https-url.
    /// </summary>
    internal static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            string? dir = Arg(args, "--dir");
            if (dir == null)
            {
                Console.Error.WriteLine("usage: kube-standin --dir DIR [--port N] [--parent-pid PID] [--charts DIR [--chart-auth USER:PASSWORD]]");
                return 2;
            }
            Directory.CreateDirectory(dir);
            int port = int.TryParse(Arg(args, "--port"), out int p) ? p : 0;
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            string? tlsCert = Arg(args, "--tls-cert"), tlsKey = Arg(args, "--tls-key");
            builder.WebHost.UseKestrel(o =>
            {
                o.Listen(IPAddress.Loopback, port);
                if (tlsCert != null && tlsKey != null)
                {
                    // The same server over HTTPS too, for a chart repository that needs a CA (ca_file) to be trusted.
                    o.Listen(IPAddress.Loopback, 0, l => l.UseHttps(X509Certificate2.CreateFromPemFile(tlsCert, tlsKey)));
                }
            });
            WebApplication app = builder.Build();
            string? charts = Arg(args, "--charts");
            var server = new ApiServer(dir, charts == null ? null : new ChartRepository(charts, Arg(args, "--chart-auth")));
            app.Run(server.Handle);
            await app.StartAsync();
            string[] addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
            string url = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal));
            if (addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal)) is string https)
            {
                File.WriteAllText(Path.Combine(dir, "https-url"), https);
            }
            File.WriteAllText(Path.Combine(dir, "kubeconfig"), Kubeconfig(url));
            File.WriteAllText(Path.Combine(dir, "server.json"), $"{{\"url\":\"{url}\",\"pid\":{Environment.ProcessId}}}");
            Console.WriteLine(url);
            if (int.TryParse(Arg(args, "--parent-pid"), out int parent)) _ = WatchParent(parent, app);
            await app.WaitForShutdownAsync();
            return 0;
        }

        private static string? Arg(string[] args, string name)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        private static string Kubeconfig(string url) =>
$@"apiVersion: v1
kind: Config
clusters:
- name: standin
  cluster:
    server: {url}
contexts:
- name: standin
  context:
    cluster: standin
    user: standin
current-context: standin
users:
- name: standin
  user: {{}}
";

        private static async Task WatchParent(int pid, WebApplication app)
        {
            while (true)
            {
                await Task.Delay(1000);
                try
                {
                    using Process parent = Process.GetProcessById(pid);
                    if (!parent.HasExited) continue;
                }
                catch (ArgumentException) { }
                await app.StopAsync();
                return;
            }
        }
    }
}
