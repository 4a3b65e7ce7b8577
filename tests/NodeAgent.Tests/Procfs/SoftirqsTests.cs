using NodeAgent.Procfs;

namespace NodeAgent.Tests.Procfs;

public sealed class SoftirqsTests
{
    [Fact]
    public void Counts_are_kept_by_vector_and_a_line_without_counts_is_skipped()
    {
        var counts = Softirqs.Parse("       CPU0  CPU1\n   HI:  7  1\n  RCU:\n TIMER:  424191  108342\n"u8);

        Assert.Equal(new ulong[] { 7, 1 }, counts[Array.IndexOf(Softirqs.Vectors, "HI")]);
        Assert.Equal(new ulong[] { 424191, 108342 }, counts[Array.IndexOf(Softirqs.Vectors, "TIMER")]);
        Assert.Null(counts[Array.IndexOf(Softirqs.Vectors, "RCU")]);
        Assert.Equal(2, counts.Count(c => c is not null));
    }

    [Fact]
    public void An_empty_file_is_an_error() =>
        Assert.Throws<InvalidDataException>(() => Softirqs.Parse(""u8));
}
