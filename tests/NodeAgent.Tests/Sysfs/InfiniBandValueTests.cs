using System.Text;
using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class InfiniBandValueTests
{
    [Theory]
    [InlineData("4: ACTIVE\n", 4u, "ACTIVE")]
    [InlineData("5: LinkUp\n", 5u, "LinkUp")]
    [InlineData("1:DOWN", 1u, "DOWN")]
    public void States_are_an_id_and_a_name(string content, uint id, string name)
    {
        Assert.True(InfiniBandValue.TryParseState(Encoding.ASCII.GetBytes(content), out var parsedId, out var parsedName));
        Assert.Equal((id, name), (parsedId, parsedName));
    }

    [Theory]
    [InlineData("ACTIVE\n")]
    [InlineData("x: ACTIVE\n")]
    [InlineData("4: ACTIVE: again\n")]
    public void Malformed_states_are_rejected(string content) =>
        Assert.False(InfiniBandValue.TryParseState(Encoding.ASCII.GetBytes(content), out _, out _));

    [Theory]
    [InlineData("40 Gb/sec (4X QDR)\n", 5000000000UL)]
    [InlineData("2.5 Gb/sec (1X SDR)\n", 312500000UL)]
    [InlineData("100 Gb/sec (4X EDR)\n", 12500000000UL)]
    [InlineData("14.0625 Gb/sec (1X FDR)\n", 1757812500UL)]
    public void Rates_are_gigabits_as_bytes_per_second(string content, ulong expected)
    {
        Assert.True(InfiniBandValue.TryParseRate(Encoding.ASCII.GetBytes(content), out var rate));
        Assert.Equal(expected, rate);
    }

    [Theory]
    [InlineData("fast\n")]
    [InlineData("x Gb/sec\n")]
    public void Malformed_rates_are_rejected(string content) =>
        Assert.False(InfiniBandValue.TryParseRate(Encoding.ASCII.GetBytes(content), out _));

    [Fact]
    public void Counters_are_numbers_or_not_available()
    {
        Assert.Equal(InfiniBandValue.CounterKind.Value, InfiniBandValue.ParseCounter("2221223609\n"u8, out var value));
        Assert.Equal(2221223609UL, value);
        Assert.Equal(InfiniBandValue.CounterKind.Value, InfiniBandValue.ParseCounter("18446744073709551615\n"u8, out value));
        Assert.Equal(ulong.MaxValue, value);
        Assert.Equal(InfiniBandValue.CounterKind.NotAvailable, InfiniBandValue.ParseCounter("N/A (no PMA)\n"u8, out _));
        Assert.Equal(InfiniBandValue.CounterKind.Malformed, InfiniBandValue.ParseCounter("lots\n"u8, out _));
    }
}
