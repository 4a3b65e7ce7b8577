using System.Text;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

public sealed class CheckpointTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 15, 0, TimeSpan.Zero);
    private static readonly FileIdentity Identity = new(2049, 77, 5, 64);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 10)]
    [InlineData(64, 64)]
    [InlineData(1_000_000, 64)]
    public void The_tail_covers_up_to_64_bytes_before_the_offset(long offset, int tailLength)
    {
        var checkpoint = Checkpoint.From(Identity, "/0.log", offset, new byte[tailLength], Now);

        Assert.Equal(tailLength, checkpoint.TailLength);
        Assert.Equal(FileIdentity.Hash(new byte[tailLength]), checkpoint.TailHash);
        Assert.True(checkpoint.TailMatches(new byte[tailLength]));
    }

    [Fact]
    public void A_tail_of_the_wrong_length_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Checkpoint.From(Identity, "/0.log", 100, new byte[10], Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => Checkpoint.From(Identity, "/0.log", -1, [], Now));
    }

    [Fact]
    public void Other_bytes_or_fewer_bytes_before_the_offset_do_not_match()
    {
        var checkpoint = Checkpoint.From(Identity, "/0.log", 200, Encoding.ASCII.GetBytes(new string('a', 64)), Now);

        Assert.False(checkpoint.TailMatches(Encoding.ASCII.GetBytes(new string('a', 63) + "b")));
        Assert.False(checkpoint.TailMatches(Encoding.ASCII.GetBytes(new string('a', 63))));
    }

    [Fact]
    public void Capture_reads_the_tail_from_the_file()
    {
        using var dir = new TempDirectory();
        var content = string.Concat(Enumerable.Range(0, 20).Select(i => $"line {i}\n"));
        var path = dir.Write("0.log", content);
        using var handle = File.OpenHandle(path);

        var checkpoint = Checkpoint.Capture(Identity, path, handle, 100, Now);

        Assert.NotNull(checkpoint);
        Assert.Equal(100, checkpoint.Offset);
        Assert.Equal(FileIdentity.Hash(Encoding.ASCII.GetBytes(content[36..100])), checkpoint.TailHash);
        Assert.Equal(Now, checkpoint.UpdatedAt);
    }

    [Fact]
    public void Capture_past_the_end_of_a_truncated_file_gives_nothing()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("0.log", "short\n");
        using var handle = File.OpenHandle(path);

        Assert.Null(Checkpoint.Capture(Identity, path, handle, 100, Now));
        Assert.NotNull(Checkpoint.Capture(Identity, path, handle, 6, Now));
    }
}
