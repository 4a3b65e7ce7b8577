using System.Text;
using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class BcacheValuesTests
{
    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("812", 812UL)]
    [InlineData("4.0k", 4096UL)]
    [InlineData("1.1M", 1150976UL)]
    [InlineData("1.10M", 2072576UL)]
    [InlineData("1.9M", 1970176UL)]
    [InlineData("20.4G", 21894266880UL)]
    [InlineData("3X", 0UL)]
    public void Bch_hprint_values_read_their_fraction_in_1024ths(string text, ulong expected) =>
        Assert.Equal(expected, BcacheValues.Dehumanize(Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData(".5k")]
    [InlineData("1.xk")]
    public void A_value_that_is_not_a_number_fails(string text) =>
        Assert.Throws<InvalidDataException>(() => BcacheValues.Dehumanize(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void An_attribute_drops_its_newline_and_signed_values_keep_their_minus()
    {
        Assert.Equal(7UL, BcacheValues.Attribute("7\n"u8));
        Assert.Equal(-224556L, BcacheValues.DehumanizeSigned("-219.3k"u8));
        Assert.Throws<InvalidDataException>(() => BcacheValues.Attribute(""u8));
    }

    [Fact]
    public void Writeback_rate_debug_takes_each_lines_last_field_without_its_unit()
    {
        var rate = BcacheValues.WritebackRate("rate:\t\t1.1M/sec\ndirty:\t\t20.4G\ntarget:\t\t1.0G\nproportional:\t-427.5k\nintegral:\t790.0k\nchange:\t\t321.5k/sec\nnext io:\t17ms\n"u8);

        Assert.Equal(new BcacheWritebackRate(1150976, 21894266880, 1073741824, -437748, 808960, 329204), rate);
        Assert.Throws<InvalidDataException>(() => BcacheValues.WritebackRate("next io:\tsoon\n"u8));
    }

    [Fact]
    public void Priority_stats_give_the_unused_and_metadata_percentages()
    {
        Assert.Equal((99UL, 3UL), BcacheValues.PriorityStats("Unused:\t\t99%\nClean:\t\t0%\nMetadata:\t3%\nAverage:\t10473\n"u8));
        Assert.Throws<InvalidDataException>(() => BcacheValues.PriorityStats("Unused:\t\tmost\n"u8));
    }
}
