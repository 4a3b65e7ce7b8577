using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class NetStatCacheTests
{
    [Fact]
    public void Columns_keep_one_hex_value_per_row_whatever_the_blanks()
    {
        var cache = NetStatCache.Parse("entries\t\tsyn_received  cookie_invalid\n00000014\t0000000a  000000FF\n00000015\t0000000b  00000000\n"u8);

        Assert.Equal(["entries", "syn_received", "cookie_invalid"], cache.Columns);
        Assert.Equal([20UL, 21UL], cache.Values[0]);
        Assert.Equal([10UL, 11UL], cache.Values[1]);
        Assert.Equal([255UL, 0UL], cache.Values[2]);
    }

    [Fact]
    public void A_row_longer_than_the_header_is_an_error() =>
        Assert.Throws<InvalidDataException>(() => NetStatCache.Parse("entries\n00000001 00000002\n"u8));
}
