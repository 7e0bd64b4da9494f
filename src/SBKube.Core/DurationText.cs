using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SBKube.Core
{
    /// <summary>
    /// Every duration SBKube reads, in one place: what users type (<c>30s</c>, <c>5m</c>, <c>1d12h</c>,
    /// <c>2w</c>, seconds, <c>hh:mm:ss</c>) and Go durations as Helm's <c>--timeout</c> takes them.
    /// </summary>
    public static class DurationText
    {

        private static readonly Regex Units = new Regex(@"^(?:(\d+)([wdhms]))+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex Go = new Regex(@"^(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$", RegexOptions.CultureInvariant);

        private static readonly Regex GoPart = new Regex(@"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)", RegexOptions.CultureInvariant);

        /// <summary>For -LockTimeout, -Duration and environment settings: units, a number of seconds, or hh:mm:ss.</summary>
        /// <exception cref="SbkubeException">InvalidDuration, naming <paramref name="name"/>.</exception>
        public static TimeSpan Parse(string? text, string name)
        {
            string value = (text ?? "").Trim();
            if (TryParseUnits(value, out TimeSpan d))
            {
                return d;
            }
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }
            if (value.IndexOf(':') >= 0 && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out TimeSpan span) && span >= TimeSpan.Zero)
            {
                return span;
            }
            throw new SbkubeException(
                $"{name} '{text}' is not a duration: expected e.g. 30s, 5m, 2h, 1d, a number of seconds, or hh:mm:ss.",
                ErrorIds.InvalidDuration, ErrorKind.InvalidArgument, text);
        }

        /// <summary>A duration that must be longer than zero (a freeze's or a lease's length).</summary>
        public static TimeSpan ParsePositive(string? text, string name)
        {
            TimeSpan d = Parse(text, name);
            if (d <= TimeSpan.Zero)
            {
                throw new SbkubeException($"{name} '{text}' must be longer than zero.", ErrorIds.InvalidDuration, ErrorKind.InvalidArgument, text);
            }
            return d;
        }

        /// <summary>The longest lease SBKube records: its end must still be a date (and a century is forever enough).</summary>
        public static readonly TimeSpan LongestLease = TimeSpan.FromDays(36500);

        /// <summary>A positive duration that a lease may last: at most <see cref="LongestLease"/>.</summary>
        public static TimeSpan ParseLease(string? text, string name)
        {
            TimeSpan d = ParsePositive(text, name);
            if (d > LongestLease)
            {
                throw new SbkubeException($"{name} '{text}' is too long: at most 36500d (100 years); without it the lock lasts until it is unlocked.",
                    ErrorIds.DurationOutOfRange, ErrorKind.InvalidArgument, text);
            }
            return d;
        }

        /// <summary>Reads <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>45s</c>, <c>2w</c> and sums like <c>1d12h</c>.</summary>
        public static bool TryParseUnits(string? text, out TimeSpan duration)
        {
            duration = TimeSpan.Zero;
            Match m = Units.Match((text ?? "").Trim());
            if (!m.Success)
            {
                return false;
            }
            try
            {
                long ticks = 0;
                for (int i = 0; i < m.Groups[1].Captures.Count; i++)
                {
                    if (!long.TryParse(m.Groups[1].Captures[i].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                    {
                        return false;
                    }
                    long unit = char.ToLowerInvariant(m.Groups[2].Captures[i].Value[0]) switch
                    {
                        'w' => TimeSpan.TicksPerDay * 7,
                        'd' => TimeSpan.TicksPerDay,
                        'h' => TimeSpan.TicksPerHour,
                        'm' => TimeSpan.TicksPerMinute,
                        _ => TimeSpan.TicksPerSecond,
                    };
                    ticks = checked(ticks + checked(n * unit));
                }
                duration = new TimeSpan(ticks);
                return true;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        /// <summary>A Go duration as Helm's --timeout takes it (<c>300s</c>, <c>5m</c>, <c>1h30m</c>, <c>5m0s</c>); bare numbers and negatives are refused.</summary>
        public static bool IsGoDuration(string? s) => s != null && Go.IsMatch(s);

        /// <summary>The length of a valid Go duration.</summary>
        public static TimeSpan ParseGoDuration(string s)
        {
            if (!IsGoDuration(s)) throw new FormatException($"'{s}' is not a Go duration such as 300s, 5m or 1h30m.");
            double ns = 0;
            foreach (Match m in GoPart.Matches(s))
            {
                double v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                double unit = m.Groups[2].Value switch
                {
                    "ns" => 1,
                    "us" or "µs" or "μs" => 1e3,
                    "ms" => 1e6,
                    "s" => 1e9,
                    "m" => 60e9,
                    _ => 3600e9,
                };
                ns += v * unit;
            }
            return TimeSpan.FromTicks((long)(ns / 100));
        }
    }
}
