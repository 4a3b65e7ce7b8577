using System.Text;
using NodeAgent.Journal;

namespace NodeAgent.Tests.Journal;

public sealed class JenkinsHashTests
{
    /// <summary>lookup3's own self-test values (driver5 in lookup3.c) for hashlittle2 with zero seeds, primary half high.</summary>
    [Theory]
    [InlineData("", 0xdeadbeefdeadbeefUL)]
    [InlineData("Four score and seven years ago", 0x17770551ce7226e6UL)]
    public void Matches_lookup3s_reference_values(string text, ulong expected) =>
        Assert.Equal(expected, JenkinsHash.Hash64(Encoding.ASCII.GetBytes(text)));

    /// <summary>Every length from 0 to 40 takes its own path through the 12-byte blocks and the tail: each changes the hash.</summary>
    [Fact]
    public void Every_length_and_byte_counts()
    {
        var bytes = Enumerable.Range(1, 40).Select(i => (byte)i).ToArray();
        var hashes = Enumerable.Range(0, 41).Select(n => JenkinsHash.Hash64(bytes.AsSpan(0, n))).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        var changed = (byte[])bytes.Clone();
        changed[23] ^= 1;
        Assert.NotEqual(JenkinsHash.Hash64(bytes), JenkinsHash.Hash64(changed));
    }
}
