using System;
using SBKube.Core.Engine;
using SBKube.Core.State;
using Xunit;

namespace SBKube.Core.Tests.Ops
{
    public class PruneAgeTests
    {
        private static readonly DateTime Now = new DateTime(2025, 10, 24, 12, 0, 0, DateTimeKind.Utc);

        [Theory]
        [InlineData("30d", 30 * 24 * 60)]
        [InlineData("12h", 12 * 60)]
        [InlineData("90m", 90)]
        [InlineData("2w", 14 * 24 * 60)]
        [InlineData("1d12h", 36 * 60)]
        [InlineData(" 30D ", 30 * 24 * 60)]
        [InlineData("30.00:00:00", 30 * 24 * 60)]
        [InlineData("1.12:30:00", 36 * 60 + 30)]
        [InlineData("12:00", 12 * 60)]
        public void Durations_and_timespans_count_back_from_now(string text, int minutes)
        {
            Assert.Equal(Now - TimeSpan.FromMinutes(minutes), PruneAge.ParseCutoff(text, Now, "--older-than"));
        }

        [Fact]
        public void Seconds_are_accepted_too()
        {
            Assert.True(DurationText.TryParseUnits("45s", out TimeSpan d));
            Assert.Equal(TimeSpan.FromSeconds(45), d);
        }

        [Fact]
        public void A_date_is_local_time_like_other_date_parameters()
        {
            DateTime expected = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Local).ToUniversalTime();
            DateTime cutoff = PruneAge.ParseCutoff("2025-01-01", Now, "--older-than");
            Assert.Equal(expected, cutoff);
            Assert.Equal(DateTimeKind.Utc, cutoff.Kind);
        }

        [Fact]
        public void A_date_with_an_offset_keeps_it()
        {
            Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), PruneAge.ParseCutoff("2025-01-01T00:00:00Z", Now, "--older-than"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("abc")]
        [InlineData("30")]       // a bare number: days? minutes? refused rather than guessed
        [InlineData("2025")]
        [InlineData("30x")]
        [InlineData("d30")]
        [InlineData("-5d")]
        [InlineData("5 days")]
        [InlineData("-1.00:00:00")]
        [InlineData("99999999999999999999d")]
        [InlineData("2025-13-45")]
        public void Bad_input_gets_an_error_naming_the_parameter_and_the_accepted_forms(string text)
        {
            var e = Assert.Throws<SbkubeException>(() => PruneAge.ParseCutoff(text, Now, "-OlderThan"));
            Assert.Equal("InvalidOlderThan", e.ErrorId);
            Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
            Assert.Contains("-OlderThan", e.Message);
            Assert.Contains("30d", e.Message);
            Assert.Contains("30.00:00:00", e.Message);
            Assert.Contains("2025-01-01", e.Message);
        }

        [Fact]
        public void A_huge_age_is_an_error_not_an_overflow()
        {
            Assert.Throws<SbkubeException>(() => PruneAge.ParseCutoff("1000000w", Now, "--older-than"));
        }
    }
}
