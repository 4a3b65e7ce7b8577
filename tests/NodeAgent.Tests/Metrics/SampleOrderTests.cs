using NodeAgent.Metrics;

namespace NodeAgent.Tests.Metrics;

public sealed class SampleOrderTests
{
    [Theory]
    [InlineData("a", "b", -1)]
    [InlineData("10", "2", -1)]
    [InlineData("eth", "eth0", -1)]
    [InlineData("", "a", -1)]
    [InlineData("same", "same", 0)]
    [InlineData("Z", "a", -1)]
    [InlineData("\uE000", "\U0001F600", -1)]
    [InlineData("\uFFFD", "\U00010000", -1)]
    [InlineData("\U0001F600", "\U0001F601", -1)]
    [InlineData("\u00E9", "\uE000", -1)]
    public void Values_compare_as_go_compares_strings_their_utf8_bytes(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(SampleOrder.Compare(a, b)));
        Assert.Equal(-expected, Math.Sign(SampleOrder.Compare(b, a)));
        Assert.Equal(expected, Math.Sign(((ReadOnlySpan<byte>)System.Text.Encoding.UTF8.GetBytes(a)).SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(b))));
    }

    [Fact]
    public void Label_sets_with_fewer_labels_come_first_then_values_in_label_name_order()
    {
        string[][] series =
        [
            ["device", "sdb", "type", "a"],
            ["device", "sda", "type", "z"],
            ["device", "sdz"],
            ["device", "sda", "type", "b"],
        ];

        Array.Sort(series, (a, b) => SampleOrder.CompareLabels(a, b));

        Assert.Equal(["sdz", "sda/b", "sda/z", "sdb/a"], series.Select(s => string.Join('/', s.Where((_, i) => i % 2 == 1))));
    }

    [Fact]
    public void Tuples_compare_label_by_label()
    {
        Assert.True(SampleOrder.Compare(("a", "z"), ("b", "a")) < 0);
        Assert.True(SampleOrder.Compare(("a", "b", "c"), ("a", "b", "d")) < 0);
        Assert.True(SampleOrder.Compare(("a", "b", "c", "\U0001F600"), ("a", "b", "c", "\uE000")) > 0);
        Assert.Equal(0, SampleOrder.Compare(("a", "b"), ("a", "b")));
    }
}
