using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class ZfsKstatTests
{
    [Fact]
    public void A_named_kstat_gives_its_64_bit_integers_and_skips_other_types()
    {
        Assert.True(ZfsKstat.TryParseNamed(File.ReadAllBytes(Repository.Fixture("node", "proc", "spl", "kstat", "zfs", "arcstats")), out var values, out _));

        Assert.Equal(
            [("hits", 80761542d), ("misses", 1930884d), ("c_max", 4089446400d), ("size", 2147221480d), ("l2_writes_lock_retry", 3d), ("memory_available_bytes", -1073741824d)],
            values.Select(v => (v.Name, v.Number)));
        Assert.All(values, v => Assert.Null(v.Text));
    }

    [Fact]
    public void A_string_value_keeps_the_spaces_inside_it()
    {
        Assert.True(ZfsKstat.TryParseNamed(File.ReadAllBytes(Repository.Fixture("node", "proc", "spl", "kstat", "zfs", "tank", "objset-0x85")), out var values, out _));

        Assert.Equal("tank/home  data", values[0].Text);
        Assert.Equal(("nread", 9310208d), (values[4].Name, values[4].Number));
    }

    [Theory]
    [InlineData("1 1 0x01 1 48 1 2\nhits 4 12\n", "no 'name type data' line")]
    [InlineData("1 1 0x01 1 48 1 2\nname type data\nhits 4 -12\n", "hits: '-12' is not an integer")]
    [InlineData("1 1 0x01 1 48 1 2\nname type data\nfree 3 many\n", "free: 'many' is not an integer")]
    public void A_kstat_without_its_header_or_with_a_bad_integer_fails(string content, string reason)
    {
        Assert.False(ZfsKstat.TryParseNamed(Encoding.ASCII.GetBytes(content), out _, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void A_pool_io_kstat_pairs_each_column_with_its_value()
    {
        Assert.True(ZfsKstat.TryParseIo(File.ReadAllBytes(Repository.Fixture("node", "proc", "spl", "kstat", "zfs", "tank", "io")), out var values, out _));

        Assert.Equal(12, values.Count);
        Assert.Equal([("nread", 9322496UL), ("nwritten", 51380224UL), ("reads", 1244UL), ("writes", 6733UL)], values.Take(4));
        Assert.Equal("rcnt", values[^1].Column);
    }

    [Fact]
    public void A_pool_io_kstat_with_a_missing_value_fails_and_one_without_columns_is_empty()
    {
        const string columns = "nread nwritten reads writes wtime wlentime wupdate rtime rlentime rupdate wcnt rcnt\n";
        Assert.False(ZfsKstat.TryParseIo(Encoding.ASCII.GetBytes("29 3 0x00 1 80 1 2\n" + columns + "1 2 3\n"), out _, out var error));
        Assert.Equal("writes: missing or not an unsigned integer", error);

        Assert.True(ZfsKstat.TryParseIo(Encoding.ASCII.GetBytes("29 3 0x00 1 80 1 2\nnread nwritten\n1 2\n"), out var none, out _));
        Assert.Empty(none);
    }
}
