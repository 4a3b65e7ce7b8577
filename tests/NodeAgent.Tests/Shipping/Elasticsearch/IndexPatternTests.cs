using System.Text;
using NodeAgent.Shipping.Elasticsearch;

namespace NodeAgent.Tests.Shipping.Elasticsearch;

public sealed class IndexPatternTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 0, 5, 0, TimeSpan.Zero);

    private static string Resolve(IndexPattern pattern, string timestamp) => Encoding.UTF8.GetString(pattern.Resolve(Encoding.ASCII.GetBytes(timestamp), Now));

    [Fact]
    public void The_day_is_the_document_s_own_not_the_time_of_sending()
    {
        var pattern = IndexPattern.TryParse("app-logs-%{+yyyy.MM.dd}")!;

        // Sent (or sent again) after midnight, a line written before it still goes to its own day's index.
        Assert.Equal("app-logs-2026.11.28", Resolve(pattern, "2026-11-28T23:59:59.999999999Z"));
        Assert.Equal("app-logs-2026.11.29", Resolve(pattern, "2026-11-29T00:00:00.000000001Z"));
        Assert.Equal("app-logs-2026.11.28", Resolve(pattern, "2026-11-28T23:30:00Z"));
    }

    [Fact]
    public void An_offset_is_turned_to_utc_and_a_missing_timestamp_takes_the_current_day()
    {
        var pattern = IndexPattern.TryParse("logs-%{+yyyy.MM}-x")!;

        Assert.Equal("logs-2026.12-x", Resolve(pattern, "2026-11-30T23:30:00-02:00"));
        Assert.Equal("logs-2026.11-x", Resolve(pattern, ""));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("app-logs")]
    [InlineData("<app-logs-{now/d}>")]
    public void A_name_without_a_pattern_is_used_as_it_is(string? index) => Assert.Null(IndexPattern.TryParse(index));
}
