using System.Text;
using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class SysfsValueTests
{
    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    [Theory]
    [InlineData("42", 42)]
    [InlineData("-1", -1)]
    [InlineData("+7", 7)]
    [InlineData("0", 0)]
    [InlineData("0x5dc00", 384000)]
    [InlineData("0X10", 16)]
    [InlineData("010", 8)]
    [InlineData("0o17", 15)]
    [InlineData("0b101", 5)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Integers_parse_with_the_base_prefixes_procfs_accepts(string text, long expected)
    {
        Assert.True(SysfsValue.TryParseInt64(Bytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("0x")]
    [InlineData("12a")]
    [InlineData("08")]
    [InlineData(" 1")]
    [InlineData("9223372036854775808")]
    [InlineData("N/A")]
    public void Malformed_integers_are_rejected(string text) => Assert.False(SysfsValue.TryParseInt64(Bytes(text), out _));

    [Fact]
    public void Decimal_parsers_take_no_prefix_and_unsigned_takes_no_sign()
    {
        Assert.True(SysfsValue.TryParseDecimalInt64("-1500"u8, out var signed));
        Assert.Equal(-1500, signed);
        Assert.False(SysfsValue.TryParseDecimalInt64("0x10"u8, out _));
        Assert.True(SysfsValue.TryParseDecimalUInt64("18446744073709551615"u8, out var max));
        Assert.Equal(ulong.MaxValue, max);
        Assert.False(SysfsValue.TryParseDecimalUInt64("+1"u8, out _));
        Assert.False(SysfsValue.TryParseDecimalUInt64("18446744073709551616"u8, out _));
    }

    [Fact]
    public void Attributes_are_trimmed_and_cut_at_128_bytes_like_one_sysfs_read()
    {
        Assert.Equal("Dell Inc.", SysfsValue.AttributeText(" Dell Inc.\n"u8));
        var longValue = new string('x', 200) + "\n";
        Assert.Equal(128, SysfsValue.AttributeText(Bytes(longValue)).Length);
    }

    [Fact]
    public void Unsigned_values_take_a_base_prefix_but_no_sign()
    {
        Assert.True(SysfsValue.TryParseUInt64("0xffffffffffffffff"u8, out var allOnes));
        Assert.Equal(ulong.MaxValue, allOnes);
        Assert.True(SysfsValue.TryParseUInt64("0x13"u8, out var hex));
        Assert.Equal(19UL, hex);
        Assert.True(SysfsValue.TryParseUInt64("42"u8, out var plain));
        Assert.Equal(42UL, plain);
        Assert.False(SysfsValue.TryParseUInt64("-1"u8, out _));
        Assert.False(SysfsValue.TryParseUInt64("0x1ffffffffffffffff"u8, out _));
    }
}
