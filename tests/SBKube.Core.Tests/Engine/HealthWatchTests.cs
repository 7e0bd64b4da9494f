using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.Engine;
using Xunit;

namespace SBKube.Core.Tests.Engine
{
    public sealed class HealthWatchTests
    {
        /// <summary>Answers each connection with the next status code of <paramref name="codes"/> (the last one repeats).</summary>
        private static (Uri Url, Task Serving) Serve(CancellationToken stop, params int[] codes)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task serving = Task.Run(async () =>
            {
                using CancellationTokenRegistration _ = stop.Register(listener.Stop);
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    TcpClient client;
                    try
                    {
                        client = await listener.AcceptTcpClientAsync();
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    using (client)
                    {
                        NetworkStream stream = client.GetStream();
                        var reader = new StreamReader(stream, Encoding.ASCII);
                        while (!string.IsNullOrEmpty(await reader.ReadLineAsync()))
                        {
                        }
                        int code = codes[Math.Min(i, codes.Length - 1)];
                        byte[] answer = Encoding.ASCII.GetBytes($"HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        await stream.WriteAsync(answer);
                    }
                }
            });
            return (new Uri($"http://127.0.0.1:{port}/ready"), serving);
        }

        [Fact]
        public async Task A_URL_passes_once_it_answers_2xx()
        {
            using var stop = new CancellationTokenSource();
            (Uri url, Task serving) = Serve(stop.Token, 503, 503, 204);
            var failures = new List<string>();

            HealthVerdict verdict = await HealthWatch.WaitAsync(HealthWatch.Http(url, TimeSpan.FromSeconds(5)),
                TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), (n, why) => failures.Add(why), CancellationToken.None);

            stop.Cancel();
            await serving;
            Assert.True(verdict.Healthy);
            Assert.Equal(3, verdict.Attempts);
            Assert.Equal($"GET {url} answered 503 X", failures[0]);
        }

        [Fact]
        public async Task A_URL_that_never_passes_fails_with_the_last_reason_when_the_time_is_up()
        {
            using var stop = new CancellationTokenSource();
            (Uri url, Task serving) = Serve(stop.Token, 500);

            HealthVerdict verdict = await HealthWatch.WaitAsync(HealthWatch.Http(url, TimeSpan.FromSeconds(5)),
                TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(100), null, CancellationToken.None);

            stop.Cancel();
            await serving;
            Assert.False(verdict.Healthy);
            Assert.True(verdict.Attempts >= 2, $"{verdict.Attempts} tries");
            Assert.Equal($"GET {url} answered 500 X", verdict.Reason);
        }

        [Fact]
        public async Task A_URL_nobody_listens_on_fails_with_the_connection_error_and_never_shows_its_password()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();

            HealthVerdict verdict = await HealthWatch.WaitAsync(
                HealthWatch.Http(new Uri($"http://ops:hunter2@127.0.0.1:{port}/"), TimeSpan.FromSeconds(5)),
                TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), null, CancellationToken.None);

            Assert.False(verdict.Healthy);
            Assert.Equal(1, verdict.Attempts);
            Assert.StartsWith($"GET http://***@127.0.0.1:{port}/ failed: ", verdict.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", verdict.Reason, StringComparison.Ordinal);
        }

        [Fact]
        public void Only_http_and_https_URLs_are_probes()
        {
            Assert.Throws<ArgumentException>(() => HealthWatch.Http(new Uri("file:///etc/passwd"), TimeSpan.FromSeconds(1)));
        }
    }
}
