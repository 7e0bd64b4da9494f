using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SBKube.Core.State;

namespace SBKube.Core.Metrics
{
    /// <summary>
    /// A minimal HTTP/1.1 server for Prometheus scrapes: <c>GET /metrics</c> renders the metrics at each
    /// request, anything else is 404. Built on TcpListener because HttpListener is unreliable across
    /// platforms on netstandard2.0. One request per connection (Connection: close), bounded request size,
    /// bound to the given address only.
    /// </summary>
    public sealed class MetricsServer : IDisposable
    {
        /// <summary>Request line plus headers; a scrape request is a few hundred bytes.</summary>
        public const int MaxRequestBytes = 8 * 1024;
        private const int MaxConcurrentScrapes = 16;
        /// <summary>Connections open at once, each at most a socket and one request buffer, until its request arrives or times out.</summary>
        private const int MaxOpenConnections = 1024;
        private int _open;
        private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

        private readonly Func<string> _render;
        private readonly IPAddress _address;
        private readonly int _requestedPort;
        private readonly SemaphoreSlim _slots = new SemaphoreSlim(MaxConcurrentScrapes, MaxConcurrentScrapes);
        private readonly object _gate = new object();
        private TcpListener? _listener;
        private CancellationTokenSource? _stop;
        private Task? _acceptLoop;

        /// <param name="render">Produces the exposition text; called once per scrape, possibly concurrently.</param>
        public MetricsServer(Func<string> render, IPAddress address, int port)
        {
            _render = render ?? throw new ArgumentNullException(nameof(render));
            _address = address ?? throw new ArgumentNullException(nameof(address));
            if (port < 0 || port > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(port), "The port must be between 0 (any free port) and 65535.");
            }
            _requestedPort = port;
        }

        /// <summary>A server for the state database: metrics computed from it at each scrape.</summary>
        public static MetricsServer ForStore(IStateStore store, string address, int port) =>
            new MetricsServer(() => MetricsExporter.Render(store), ParseAddress(address), port);

        public IPAddress Address => _address;
        /// <summary>The bound port (the actual one when 0 was asked for).</summary>
        public int Port { get; private set; }
        public DateTime StartedAt { get; private set; }
        public bool IsRunning { get; private set; }

        public string Url
        {
            get
            {
                string host = _address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + _address + "]" : _address.ToString();
                return $"http://{host}:{Port.ToString(CultureInfo.InvariantCulture)}/metrics";
            }
        }

        /// <summary>Reads an IP address; <c>localhost</c> means 127.0.0.1. Host names are refused (ambiguous binding).</summary>
        public static IPAddress ParseAddress(string? address)
        {
            string text = (address ?? "").Trim();
            if (string.Equals(text, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                return IPAddress.Loopback;
            }
            if (IPAddress.TryParse(text.Trim('[', ']'), out IPAddress? ip))
            {
                return ip;
            }
            throw new SbkubeException(
                $"'{address}' is not an IP address. Expected one such as 127.0.0.1 (this host only), 0.0.0.0 (all IPv4 " +
                "interfaces), ::1 or localhost.",
                ErrorIds.InvalidAddress, ErrorKind.InvalidArgument, address, input: EngineInput.ListenAddress);
        }

        public void Start()
        {
            lock (_gate)
            {
                if (IsRunning)
                {
                    return;
                }
                var listener = new TcpListener(_address, _requestedPort);
                try
                {
                    listener.Start();
                }
                catch (SocketException e)
                {
                    throw new SbkubeException(
                        $"Cannot listen on {_address}:{_requestedPort}: {e.Message}.",
                        ErrorIds.MetricsServerBind, ErrorKind.ResourceBusy, _requestedPort, e, new NextStep(NextStepKind.ChooseListener));
                }
                _listener = listener;
                Port = ((IPEndPoint)listener.LocalEndpoint).Port;
                StartedAt = DateTime.UtcNow;
                _stop = new CancellationTokenSource();
                IsRunning = true;
                CancellationToken token = _stop.Token;
                _acceptLoop = Task.Run(() => AcceptLoop(listener, token));
            }
        }

        public void Stop()
        {
            Task? loop;
            lock (_gate)
            {
                if (!IsRunning)
                {
                    return;
                }
                IsRunning = false;
                _stop!.Cancel();
                // Stopping the listener is what wakes the pending accept.
                _listener!.Stop();
                loop = _acceptLoop;
            }
            try
            {
                loop?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The loop ends with the listener's disposal exception; nothing to report.
            }
        }

        public void Dispose()
        {
            Stop();
            _stop?.Dispose();
        }

        private async Task AcceptLoop(TcpListener listener, CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    // A client that reset before we accepted it; keep serving.
                    continue;
                }
                // Not the stop token: an accepted client is always served (and disposed), even while stopping.
                _ = Task.Run(() => ServeAsync(client, token), CancellationToken.None);
            }
        }

        private async Task ServeAsync(TcpClient client, CancellationToken token)
        {
            int open = Interlocked.Increment(ref _open);
            try
            {
                using (client)
                {
                    NetworkStream stream = client.GetStream();
                    if (open > MaxOpenConnections)
                    {
                        await RespondAsync(stream, 503, "Service Unavailable", "text/plain; charset=utf-8", "Too many open connections.\n", false)
                            .ConfigureAwait(false);
                        return;
                    }
                    client.NoDelay = true;
                    (int status, string? method, string? target) = await ReadRequestAsync(stream, token).ConfigureAwait(false);
                    if (status != 0)
                    {
                        await RespondAsync(stream, status, Reason(status), "text/plain; charset=utf-8", Reason(status) + "\n", false)
                            .ConfigureAwait(false);
                        return;
                    }
                    await HandleAsync(stream, method!, target!, token).ConfigureAwait(false);
                }
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                // Shutting down.
            }
            catch (IOException)
            {
                // The scraper went away mid-request.
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
        }

        private async Task HandleAsync(NetworkStream stream, string method, string target, CancellationToken token)
        {
            int query = target.IndexOf('?');
            string path = query >= 0 ? target.Substring(0, query) : target;
            if (path != "/metrics")
            {
                await RespondAsync(stream, 404, "Not Found", "text/plain; charset=utf-8", "Not found. Metrics are at /metrics.\n",
                    false).ConfigureAwait(false);
                return;
            }
            if (method != "GET" && method != "HEAD")
            {
                await RespondAsync(stream, 405, "Method Not Allowed", "text/plain; charset=utf-8", "Use GET.\n", false,
                    "Allow: GET, HEAD\r\n").ConfigureAwait(false);
                return;
            }
            // A slot only for rendering, the part that costs: a connection that is slow to send its request
            // (or never does) holds a socket, never a slot a real scrape needs.
            if (!await _slots.WaitAsync(ReadTimeout, token).ConfigureAwait(false))
            {
                await RespondAsync(stream, 503, "Service Unavailable", "text/plain; charset=utf-8", "Too many concurrent scrapes.\n", false)
                    .ConfigureAwait(false);
                return;
            }
            string body;
            try
            {
                body = _render();
            }
            catch (Exception e)
            {
                // Prometheus records the failed scrape; the message says why.
                await RespondAsync(stream, 500, "Internal Server Error", "text/plain; charset=utf-8",
                    "Cannot read the SBKube state database: " + e.Message + "\n", false).ConfigureAwait(false);
                return;
            }
            finally
            {
                _slots.Release();
            }
            await RespondAsync(stream, 200, "OK", MetricsExporter.ContentType, body, method == "HEAD").ConfigureAwait(false);
        }

        /// <summary>Reads up to the blank line; returns a non-zero HTTP status when the request is unusable.</summary>
        private static async Task<(int Status, string? Method, string? Target)> ReadRequestAsync(NetworkStream stream,
            CancellationToken token)
        {
            byte[] buffer = new byte[MaxRequestBytes];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(ReadTimeout);
            try
            {
                return await ReadHeadAsync(stream, buffer, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                timeout.Cancel(); // completes the pending delay of a finished read
            }
        }

        private static async Task<(int Status, string? Method, string? Target)> ReadHeadAsync(NetworkStream stream,
            byte[] buffer, CancellationToken timeout)
        {
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    return (431, null, null);
                }
                int read;
                Task<int> readTask = stream.ReadAsync(buffer, length, buffer.Length - length, timeout);
                // NetworkStream on older runtimes ignores the token; the delay bounds a silent client.
                Task done = await Task.WhenAny(readTask, Task.Delay(Timeout.Infinite, timeout)).ConfigureAwait(false);
                if (done != readTask)
                {
                    return (408, null, null);
                }
                read = await readTask.ConfigureAwait(false);
                if (read > 0 && IndexOfHeaderEnd(buffer, Math.Max(0, length - 3), length + read) >= 0)
                {
                    length += read;
                    break;
                }
                if (read == 0)
                {
                    return (400, null, null);
                }
                length += read;
            }
            string head = Encoding.ASCII.GetString(buffer, 0, length);
            int eol = head.IndexOf("\r\n", StringComparison.Ordinal);
            string[] parts = head.Substring(0, eol).Split(' ');
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[1].Length == 0)
            {
                return (400, null, null);
            }
            return (0, parts[0], parts[1]);
        }

        private static int IndexOfHeaderEnd(byte[] buffer, int start, int length)
        {
            for (int i = start; i + 3 < length; i++)
            {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
                {
                    return i;
                }
            }
            return -1;
        }

        private static async Task RespondAsync(NetworkStream stream, int status, string reason, string contentType, string body,
            bool headOnly, string extraHeaders = "")
        {
            byte[] payload = new UTF8Encoding(false).GetBytes(body);
            string head =
                $"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} {reason}\r\n" +
                $"Content-Type: {contentType}\r\n" +
                $"Content-Length: {payload.Length.ToString(CultureInfo.InvariantCulture)}\r\n" +
                "Cache-Control: no-store\r\n" +
                "Connection: close\r\n" +
                extraHeaders +
                "\r\n";
            byte[] headBytes = Encoding.ASCII.GetBytes(head);
            await stream.WriteAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
            if (!headOnly)
            {
                await stream.WriteAsync(payload, 0, payload.Length).ConfigureAwait(false);
            }
            await stream.FlushAsync().ConfigureAwait(false);
        }

        private static string Reason(int status) => status switch
        {
            400 => "Bad Request",
            408 => "Request Timeout",
            431 => "Request Header Fields Too Large",
            _ => "Error",
        };
    }
}
