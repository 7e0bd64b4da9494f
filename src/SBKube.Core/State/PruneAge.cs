using System;
using System.Globalization;

namespace SBKube.Core.State
{
    /// <summary>
    /// Parses the age given to prune (seed: <c>--older-than 30d</c>): a duration (<c>30d</c>, <c>12h</c>,
    /// <c>90m</c>, <c>2w</c>, combinable as <c>1w2d</c>), a TimeSpan (<c>30.00:00:00</c>) or a date.
    /// </summary>
    public static class PruneAge
    {

        /// <summary>
        /// The UTC instant before which revisions count as old. Durations and TimeSpans count back from
        /// <paramref name="nowUtc"/>; a date without an offset is local time, like every date parameter.
        /// </summary>
        public static DateTime ParseCutoff(string? text, DateTime nowUtc, string parameterName)
        {
            string value = (text ?? "").Trim();
            if (DurationText.TryParseUnits(value, out TimeSpan duration))
            {
                return Subtract(nowUtc, duration, text, parameterName);
            }
            // Only strings with ':' are TimeSpans: "2025" or "30" alone would otherwise silently mean days.
            if (value.IndexOf(':') >= 0 && value.IndexOf('-') < 0 && value.IndexOf('/') < 0 &&
                TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out TimeSpan span))
            {
                if (span < TimeSpan.Zero)
                {
                    throw Invalid(text, parameterName, "the age cannot be negative");
                }
                return Subtract(nowUtc, span, text, parameterName);
            }
            if ((value.IndexOf('-') > 0 || value.IndexOf('/') > 0) &&
                DateTime.TryParse(value, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeLocal | DateTimeStyles.AdjustToUniversal, out DateTime date))
            {
                return DateTime.SpecifyKind(date, DateTimeKind.Utc);
            }
            throw Invalid(text, parameterName, null);
        }

        private static DateTime Subtract(DateTime nowUtc, TimeSpan age, string? text, string parameterName)
        {
            DateTime now = nowUtc.Kind == DateTimeKind.Local ? nowUtc.ToUniversalTime() : nowUtc;
            if (age.Ticks > now.Ticks - DateTime.MinValue.Ticks)
            {
                throw Invalid(text, parameterName, "the age reaches back before year 1");
            }
            return DateTime.SpecifyKind(now - age, DateTimeKind.Utc);
        }

        private static SbkubeException Invalid(string? text, string parameterName, string? why) =>
            new SbkubeException(
                $"{parameterName} '{text}' is not a valid age{(why == null ? "" : ": " + why)}. Expected a duration " +
                "(number + unit w, d, h, m or s, e.g. 30d, 12h, 90m, 2w, 1d12h), a TimeSpan (e.g. 30.00:00:00) " +
                "or a date (e.g. 2025-01-01).",
                ErrorIds.InvalidOlderThan, ErrorKind.InvalidArgument, text);
    }
}
