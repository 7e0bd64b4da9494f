using System;
using System.Globalization;
using SBKube.Core.State;

namespace SBKube.Core.Engine
{
    /// <summary>Durations as users type them for -LockTimeout and -Duration: 30s, 5m, 2h, 1d, seconds, or hh:mm:ss.</summary>
    public static class DurationText
    {
        public static TimeSpan Parse(string? text, string parameterName)
        {
            string value = (text ?? "").Trim();
            if (PruneAge.TryParseDuration(value, out TimeSpan d))
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
                $"{parameterName} '{text}' is not a duration: expected e.g. 30s, 5m, 2h, 1d, a number of seconds, or hh:mm:ss.",
                "InvalidDuration", SbkubeException.InvalidArgument, text);
        }

        /// <summary>A duration that must be longer than zero (a freeze's or a lease's length).</summary>
        public static TimeSpan ParsePositive(string? text, string parameterName)
        {
            TimeSpan d = Parse(text, parameterName);
            if (d <= TimeSpan.Zero)
            {
                throw new SbkubeException($"{parameterName} '{text}' must be longer than zero.",
                    "InvalidDuration", SbkubeException.InvalidArgument, text);
            }
            return d;
        }
    }
}
