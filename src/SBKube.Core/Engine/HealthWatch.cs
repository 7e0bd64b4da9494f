using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SBKube.Core.Engine
{
    /// <summary>
    /// One try of a user's health check: null when healthy, otherwise why not (a status code, an
    /// error, what a script returned).
    /// </summary>
    public delegate Task<string?> HealthProbe(CancellationToken cancellationToken);

    /// <summary>How a health check ended: healthy, or the last reason it was not.</summary>
    public sealed class HealthVerdict
    {
        internal HealthVerdict(bool healthy, int attempts, string? reason, TimeSpan elapsed)
        {
            Healthy = healthy;
            Attempts = attempts;
            Reason = reason;
            Elapsed = elapsed;
        }

        public bool Healthy { get; }
        public int Attempts { get; }
        /// <summary>Why the last try failed; null when healthy.</summary>
        public string? Reason { get; }
        public TimeSpan Elapsed { get; }
    }

    /// <summary>
    /// Tries a health check until it passes or the timeout ends. Helm's --wait/--atomic only cover
    /// Helm's own readiness rules; this covers the user's definition of healthy (a URL answering 2xx,
    /// a script returning true).
    /// </summary>
    public static class HealthWatch
    {
        /// <summary>
        /// Awaits here resume on the caller's context on purpose: a probe may have to run on the
        /// caller's thread (a script of the host's language usually does).
        /// </summary>
        public static async Task<HealthVerdict> WaitAsync(HealthProbe probe, TimeSpan timeout, TimeSpan interval,
            Action<int, string>? onFailedTry, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            int attempts = 0;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                attempts++;
                string? reason = await probe(ct).ConfigureAwait(true);
                if (reason == null)
                {
                    return new HealthVerdict(true, attempts, null, clock.Elapsed);
                }
                onFailedTry?.Invoke(attempts, reason);
                if (clock.Elapsed + interval > timeout)
                {
                    return new HealthVerdict(false, attempts, reason, clock.Elapsed);
                }
                await Task.Delay(interval, ct).ConfigureAwait(true);
            }
        }

        /// <summary>A GET of <paramref name="url"/> that passes on a 2xx answer; each try is bounded by <paramref name="tryTimeout"/>.</summary>
        public static HealthProbe Http(Uri url, TimeSpan tryTimeout)
        {
            if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"'{url}' is not an http or https URL.", nameof(url));
            }
            // A password in the URL is never shown.
            string shown = url.UserInfo.Length == 0 ? url.ToString() : url.ToString().Replace(url.UserInfo + "@", "***@");
            return async ct =>
            {
                using var client = new HttpClient { Timeout = tryTimeout };
                try
                {
                    using HttpResponseMessage answer = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                    int code = (int)answer.StatusCode;
                    return code >= 200 && code < 300 ? null : $"GET {shown} answered {code} {answer.ReasonPhrase}".TrimEnd();
                }
                catch (HttpRequestException e)
                {
                    return $"GET {shown} failed: {(e.InnerException ?? e).Message}";
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    return $"GET {shown} gave no answer within {tryTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
                }
            };
        }
    }
}
