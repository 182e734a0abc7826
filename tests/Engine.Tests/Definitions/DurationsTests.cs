using Serverless.Engine.Definitions;

namespace Serverless.Engine.Tests.Definitions;

public sealed class DurationsTests
{
    public static TheoryData<string, long> ValidDurations => new()
    {
        { "PT30S", TimeSpan.FromSeconds(30).Ticks },
        { "PT0S", 0 },
        { "PT5M", TimeSpan.FromMinutes(5).Ticks },
        { "PT1H", TimeSpan.FromHours(1).Ticks },
        { "PT36H", TimeSpan.FromHours(36).Ticks },
        { "P1D", TimeSpan.FromDays(1).Ticks },
        { "P1DT12H", TimeSpan.FromHours(36).Ticks },
        { "P1DT2H3M4S", new TimeSpan(1, 2, 3, 4).Ticks },
        { "PT1H30M", TimeSpan.FromMinutes(90).Ticks },
        { "PT0.5S", TimeSpan.FromMilliseconds(500).Ticks },
        { "PT1.25S", TimeSpan.FromMilliseconds(1250).Ticks },
        { "PT0.0000001S", 1 },
        { "PT90S", TimeSpan.FromSeconds(90).Ticks },
        { "P2W", TimeSpan.FromDays(14).Ticks },
        { "P52W", TimeSpan.FromDays(364).Ticks },
        { "P365D", TimeSpan.FromDays(365).Ticks },
        { "PT8760H", TimeSpan.FromDays(365).Ticks },
        { "P364DT23H59M59.9999999S", TimeSpan.FromDays(365).Ticks - 1 },
    };

    [Theory]
    [MemberData(nameof(ValidDurations))]
    public void TryParse_ValidDuration_ReturnsValue(string text, long ticks)
    {
        Assert.True(Durations.TryParse(text, out var value, out var error), error);
        Assert.Equal(ticks, value.Ticks);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("", "not an ISO 8601 duration")]
    [InlineData("P", "not an ISO 8601 duration")]
    [InlineData("PT", "not an ISO 8601 duration")]
    [InlineData("P1DT", "not an ISO 8601 duration")]
    [InlineData("30S", "not an ISO 8601 duration")]
    [InlineData("T30S", "not an ISO 8601 duration")]
    [InlineData("pt30s", "not an ISO 8601 duration")]
    [InlineData("PT30", "not an ISO 8601 duration")]
    [InlineData("PT-5S", "not an ISO 8601 duration")]
    [InlineData("-PT5S", "not an ISO 8601 duration")]
    [InlineData("PT5S ", "not an ISO 8601 duration")]
    [InlineData(" PT5S", "not an ISO 8601 duration")]
    [InlineData("PT1H1H", "out of order")]
    [InlineData("PT1S1M", "out of order")]
    [InlineData("P1DT1H1D", "not an ISO 8601 duration")]
    [InlineData("P1Y", "years are not allowed")]
    [InlineData("P1M", "months are not allowed")]
    [InlineData("P1Y2M3D", "years are not allowed")]
    [InlineData("P1H", "not an ISO 8601 duration")]
    [InlineData("PT1D", "not an ISO 8601 duration")]
    [InlineData("P1W2D", "weeks (PnW) cannot be combined")]
    [InlineData("P1DT1W", "weeks (PnW) cannot be combined")]
    [InlineData("P1.5W", "only seconds may have a fraction")]
    [InlineData("PT1.5H", "only seconds may have a fraction")]
    [InlineData("PT1.5M", "only seconds may have a fraction")]
    [InlineData("P1.5D", "only seconds may have a fraction")]
    [InlineData("PT1.S", "not an ISO 8601 duration")]
    [InlineData("PT.5S", "not an ISO 8601 duration")]
    [InlineData("PT0,5S", "write a fraction with '.'")]
    [InlineData("PT0.12345678S", "more than 7 decimal places")]
    [InlineData("P366D", "longer than 365 days")]
    [InlineData("P53W", "longer than 365 days")]
    [InlineData("PT8761H", "longer than 365 days")]
    [InlineData("P365DT0.0000001S", "longer than 365 days")]
    [InlineData("PT9999999999S", "too large")]
    [InlineData("P1D2H", "not an ISO 8601 duration")]
    [InlineData("PTT1S", "not an ISO 8601 duration")]
    [InlineData("P1S", "not an ISO 8601 duration")]
    [InlineData("P١D", "not an ISO 8601 duration")]
    public void TryParse_InvalidDuration_ExplainsWhy(string text, string reason)
    {
        Assert.False(Durations.TryParse(text, out var value, out var error));
        Assert.Equal(TimeSpan.Zero, value);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PT30S")]
    [InlineData("PT1H")]
    [InlineData("P3D")]
    [InlineData("P1DT2H3M4.5S")]
    [InlineData("PT0.0000001S")]
    public void Format_RoundTrips(string text)
    {
        Assert.True(Durations.TryParse(text, out var value, out _));
        Assert.True(Durations.TryParse(Durations.Format(value), out var again, out _));
        Assert.Equal(value, again);
    }
}
