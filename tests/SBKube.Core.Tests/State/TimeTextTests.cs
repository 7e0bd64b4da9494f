using System;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.State
{
    /// <summary>Times as the store holds them: SBKube's own text is read digit by digit, anything else by the general parser.</summary>
    public sealed class TimeTextTests
    {
        [Theory]
        [InlineData("2025-10-24 12:34:56.789", 2025, 10, 24, 12, 34, 56, 789)] // SBKube's own
        [InlineData("2025-10-24 12:34:56", 2025, 10, 24, 12, 34, 56, 0)]       // the seed's CURRENT_TIMESTAMP
        [InlineData("2024-02-29 23:59:59.999", 2024, 2, 29, 23, 59, 59, 999)]  // a leap day
        [InlineData("2025-10-24T12:34:56Z", 2025, 10, 24, 12, 34, 56, 0)]      // ISO, written by hand
        [InlineData("2025-10-24T21:34:56+09:00", 2025, 10, 24, 12, 34, 56, 0)] // with an offset: to UTC
        public void Each_form_reads_as_the_same_utc_time(string text, int y, int mo, int d, int h, int mi, int s, int ms)
        {
            DateTime t = StateStore.ParseTime(text);
            Assert.Equal(new DateTime(y, mo, d, h, mi, s, ms, DateTimeKind.Utc), t);
            Assert.Equal(DateTimeKind.Utc, t.Kind);
        }

        [Theory]
        [InlineData("2025-02-30 00:00:00")] // no such day
        [InlineData("2025-13-01 00:00:00")]
        [InlineData("2025-01-01 24:00:00")]
        [InlineData("2025-01-01 -1:00:00")]
        [InlineData("2025-01-01 00:60:00")]
        [InlineData("not a time at all!!")]
        [InlineData("")]
        public void Text_that_is_no_time_reads_as_MinValue(string text)
        {
            Assert.Equal(DateTime.MinValue, StateStore.ParseTime(text));
        }

        [Fact]
        public void What_SBKube_writes_reads_back_to_the_millisecond()
        {
            var t = new DateTime(2026, 12, 6, 13, 38, 41, 123, DateTimeKind.Utc);
            Assert.Equal(t, StateStore.ParseTime(StateStore.FormatTime(t)));
        }
    }
}
