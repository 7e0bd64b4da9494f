using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using SBKube.Core;
using SBKube.Core.Engine;
using SBKube.Core.Metrics;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Ops
{
    /// <summary>The metrics server: live scrapes, its limits, stopping, and the registry of background servers.</summary>
    public class MetricsServerTests
    {
        /// <summary>A live server on a free loopback port for the store of <paramref name="db"/>.</summary>
        private static MetricsServer Started(OpsDb db)
        {
            MetricsServer server = MetricsServer.ForStore(db.Store, "127.0.0.1", 0);
            server.Start();
            return server;
        }

        [Fact]
        public async Task A_scrape_of_the_live_server_returns_the_same_text()
        {
            using var db = new OpsDb();
            MetricsTests.Populate(db);
            using MetricsServer server = Started(db);
            Assert.NotEqual(0, server.Port);
            Assert.Equal($"http://127.0.0.1:{server.Port}/metrics", server.Url);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

            HttpResponseMessage response = await http.GetAsync(server.Url);
            string body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            Assert.Equal(MetricsExporter.Render(db.Store), body);

            // Computed at each scrape: a new revision shows up in the next one.
            db.Deploy("state-demo", "redis");
            string again = await http.GetStringAsync(server.Url + "?x=1");
            Assert.Contains("sbkube_deployments_total{namespace=\"state-demo\",app=\"redis\"} 5\n", again);

            HttpResponseMessage other = await http.GetAsync($"http://127.0.0.1:{server.Port}/");
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            HttpResponseMessage post = await http.PostAsync(server.Url, new StringContent("x"));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }

        [Fact]
        public async Task Concurrent_scrapes_all_succeed()
        {
            using var db = new OpsDb();
            MetricsTests.Populate(db);
            using MetricsServer server = Started(db);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            string expected = MetricsExporter.Render(db.Store);

            string[] bodies = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => http.GetStringAsync(server.Url)));

            Assert.All(bodies, b => Assert.Equal(expected, b));
        }

        [Fact]
        public async Task An_oversized_request_is_refused_and_the_server_keeps_serving()
        {
            using var db = new OpsDb();
            using MetricsServer server = Started(db);
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, server.Port);
                NetworkStream stream = client.GetStream();
                byte[] request = Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nX-Padding: " + new string('a', MetricsServer.MaxRequestBytes) + "\r\n\r\n");
                try
                {
                    await stream.WriteAsync(request);
                }
                catch (IOException)
                {
                    // The server may close before reading everything; the status line is what matters.
                }
                string reply = await new StreamReader(stream, Encoding.ASCII).ReadLineAsync() ?? "";
                Assert.StartsWith("HTTP/1.1 431", reply);
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(server.Url)).StatusCode);
        }

        [Fact]
        public async Task Idle_connections_that_never_send_a_request_do_not_keep_a_scrape_waiting()
        {
            using var db = new OpsDb();
            MetricsTests.Populate(db);
            using MetricsServer server = Started(db);
            // 300 half-open connections (a port scanner, a stuck load balancer) send nothing.
            var idle = new List<TcpClient>();
            try
            {
                for (int i = 0; i < 300; i++)
                {
                    var c = new TcpClient();
                    await c.ConnectAsync(IPAddress.Loopback, server.Port);
                    idle.Add(c);
                }
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var clock = System.Diagnostics.Stopwatch.StartNew();

                HttpResponseMessage response = await http.GetAsync(server.Url);

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the scrape waited {clock.Elapsed} behind idle connections");
            }
            finally
            {
                idle.ForEach(c => c.Dispose());
            }
        }

        [Fact]
        public async Task A_stopped_server_no_longer_listens()
        {
            using var db = new OpsDb();
            var server = MetricsServer.ForStore(db.Store, "127.0.0.1", 0);
            server.Start();
            int port = server.Port;
            server.Dispose();
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        }

        [Fact]
        public void A_busy_port_gives_a_clear_error()
        {
            using var db = new OpsDb();
            using MetricsServer first = MetricsServer.ForStore(db.Store, "127.0.0.1", 0);
            first.Start();
            using MetricsServer second = MetricsServer.ForStore(db.Store, "127.0.0.1", first.Port);
            var e = Assert.Throws<SbkubeException>(() => second.Start());
            Assert.Equal("MetricsServerBind", e.ErrorId);
            Assert.Contains(first.Port.ToString(), e.Message);
        }

        [Theory]
        [InlineData("127.0.0.1", "127.0.0.1")]
        [InlineData("localhost", "127.0.0.1")]
        [InlineData("::1", "::1")]
        [InlineData("[::1]", "::1")]
        [InlineData("0.0.0.0", "0.0.0.0")]
        public void Addresses_are_parsed(string text, string expected)
        {
            Assert.Equal(IPAddress.Parse(expected), MetricsServer.ParseAddress(text));
        }

        [Fact]
        public void A_host_name_address_is_refused_as_the_listen_address_input()
        {
            var e = Assert.Throws<SbkubeException>(() => MetricsServer.ParseAddress("metrics.example.com"));
            Assert.Equal(EngineInput.ListenAddress, e.Input);
            Assert.Contains("'metrics.example.com' is not an IP address", e.Message);
        }

        [Fact]
        public void The_registry_finds_background_servers_by_port()
        {
            using var db = new OpsDb();
            var server = MetricsServer.ForStore(db.Store, "127.0.0.1", 0);
            MetricsServerRegistry.StartAndRegister(server);
            try
            {
                Assert.Contains(server, MetricsServerRegistry.List());
                MetricsServerInfo info = MetricsServerInfo.From(server);
                Assert.Equal(server.Port, info.Port);
                Assert.Equal("127.0.0.1", info.Address);
                Assert.Equal(server.Url, info.Url);
            }
            finally
            {
                Assert.True(MetricsServerRegistry.Stop(server.Port));
            }
            Assert.False(server.IsRunning);
            Assert.False(MetricsServerRegistry.Stop(server.Port));
        }
    }
}
