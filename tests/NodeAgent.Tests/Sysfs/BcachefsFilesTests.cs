using System.Text;
using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class BcachefsFilesTests
{
    [Theory]
    [InlineData("812", 812UL)]
    [InlineData("28.2k", 28876UL)]
    [InlineData("2.05G\n", 2201170739UL)]
    [InlineData("1.5 M", 1572864UL)]
    [InlineData("4.20T", 4617948836659UL)]
    [InlineData("1E", 1152921504606846976UL)]
    public void Human_readable_sizes_are_powers_of_1024_truncated_to_bytes(string text, ulong bytes) =>
        Assert.Equal(bytes, BcachefsFiles.HumanBytes(Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData("")]
    [InlineData("12x")]
    [InlineData("k")]
    public void A_size_that_is_not_a_number_fails(string text) =>
        Assert.Throws<InvalidDataException>(() => BcachefsFiles.HumanBytes(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void A_counter_is_its_count_since_creation_and_zero_when_only_the_count_since_mount_is_there()
    {
        Assert.Equal(7UL, BcachefsFiles.CounterSinceCreation("since mount: 3\nsince filesystem creation: 7\n"u8));
        Assert.Equal(0UL, BcachefsFiles.CounterSinceCreation("since mount: 3\n"u8));
        Assert.Throws<InvalidDataException>(() => BcachefsFiles.CounterSinceCreation("total: 3\n"u8));
    }

    [Fact]
    public void Io_errors_are_the_section_since_creation_only()
    {
        var content = "IO errors since filesystem creation\n  read:    5\n  checksum:2\nIO errors since 3 d ago\n  read:    1\n"u8;
        Assert.Equal([("read", 5UL), ("checksum", 2UL)], BcachefsFiles.IoErrors(content));
    }

    [Fact]
    public void Io_done_pairs_each_data_type_with_its_section()
    {
        var content = "read:\nsb     :  4096\nuser   :0\nwrite:\nsb     :  8192\n"u8;
        Assert.Equal([("read", "sb", 4096UL), ("read", "user", 0UL), ("write", "sb", 8192UL)], BcachefsFiles.IoDone(content));
        Assert.Throws<InvalidDataException>(() => BcachefsFiles.IoDone("read:\nsb : many\n"u8));
    }

    [Fact]
    public void Tables_skip_their_header_and_short_lines_and_fail_on_a_bad_number()
    {
        Assert.Equal([("lz4", 1024UL, 2048UL)], BcachefsFiles.CompressionStats("type compressed uncompressed\nlz4: 1k 2k 4k\nzstd\n"u8));
        Assert.Equal([("initial", 3UL, 1536UL)], BcachefsFiles.BtreeWriteStats("  nr size\ninitial: 3 1.50k\n"u8));
        Assert.Throws<InvalidDataException>(() => BcachefsFiles.BtreeWriteStats("  nr size\ninitial: x 1k\n"u8));
        Assert.Equal([("bad_csum", 2UL)], BcachefsFiles.Errors("bad_csum 2 1767112063\nlonely\n"u8));
        Assert.Throws<InvalidDataException>(() => BcachefsFiles.Errors("bad_csum two\n"u8));
    }
}
