using System.Text;
using NodeAgent.Parsing;

namespace NodeAgent.Tests.Parsing;

public sealed class PlainTimestampTests
{
    private static readonly DateTimeOffset ReadAt = new(2026, 12, 8, 3, 31, 12, TimeSpan.Zero);

    // A zone two hours east of UTC with no daylight saving: the conversion is plain arithmetic.
    private static readonly TimeZoneInfo Plus2 = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");

    private static string Parse(string line, DateTimeOffset? readAt = null, TimeZoneInfo? zone = null)
    {
        Span<byte> destination = stackalloc byte[PlainTimestamp.MaxLength];
        var written = PlainTimestamp.TryWrite(Encoding.ASCII.GetBytes(line), readAt ?? ReadAt, zone ?? TimeZoneInfo.Utc, destination);
        return Encoding.ASCII.GetString(destination[..written]);
    }

    [Theory]
    [InlineData("2026-12-08T03:31:12.123456+00:00 node1 kubelet[812]: I1208 started", "2026-12-08T03:31:12.123456+00:00")]
    [InlineData("2026-12-08T03:31:12Z audit: ok", "2026-12-08T03:31:12Z")]
    [InlineData("2026-12-08T03:31:12.123456789-05:00", "2026-12-08T03:31:12.123456789-05:00")]
    public void An_rfc_3339_prefix_is_kept_as_written(string line, string expected) => Assert.Equal(expected, Parse(line));

    [Theory]
    [InlineData("Dec  8 03:31:12 node1 sshd[1]: Accepted", "2026-12-08T01:31:12Z")]
    [InlineData("Dec 08 03:31:12 node1 cron: x", "2026-12-08T01:31:12Z")]
    [InlineData("Nov 30 23:59:59 node1 x", "2026-11-30T21:59:59Z")]
    public void A_syslog_stamp_is_read_in_the_hosts_zone(string line, string expected) => Assert.Equal(expected, Parse(line, zone: Plus2));

    [Fact]
    public void A_syslog_stamp_from_the_end_of_last_year_read_on_new_years_day_is_last_years()
    {
        var newYear = new DateTimeOffset(2027, 1, 1, 0, 0, 5, TimeSpan.Zero);
        Assert.Equal("2026-12-31T23:59:58Z", Parse("Dec 31 23:59:58 node1 x", newYear));
        Assert.Equal("2027-01-01T00:00:01Z", Parse("Jan  1 00:00:01 node1 x", newYear));
    }

    [Fact]
    public void The_29th_of_february_outside_a_leap_year_belongs_to_the_last_leap_year_if_that_is_the_year_before()
    {
        Assert.Equal("2028-02-29T10:00:00Z", Parse("Feb 29 10:00:00 x", new DateTimeOffset(2028, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal("", Parse("Feb 29 10:00:00 x", ReadAt)); // neither 2026 nor 2025 has one
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text with no time")]
    [InlineData("{\"kind\":\"Event\",\"stageTimestamp\":\"2026-12-08T03:31:12Z\"}")]
    [InlineData("2026-13-08T03:31:12Z month 13")]
    [InlineData("2026-12-08 03:31:12 no zone, no T")]
    [InlineData("2026-12-08T03:31:12 no zone")]
    [InlineData("Dec 32 03:31:12 x")]
    [InlineData("Dex  8 03:31:12 x")]
    [InlineData("Dec  8 24:31:12 x")]
    [InlineData("Dec  8 03:31:12x glued")]
    [InlineData("I1208 03:31:12.123456   812 kubelet.go:1] klog has no year and no month name")]
    public void Anything_else_has_no_timestamp(string line) => Assert.Equal("", Parse(line));
}
