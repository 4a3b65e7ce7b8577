using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Shipping;

public sealed partial class DocumentIdTests
{
    private static readonly FileIdentity Identity = new(2049, 1_234_567, 0x0123456789abcdef, 64);

    [Fact]
    public void The_id_is_pinned_because_elasticsearch_keeps_it()
    {
        // Changing the derivation would give every line re-read after an upgrade a new id: stored twice.
        Assert.Equal(Identity.DocumentKey("node-1").Compute(4096), Identity.DocumentKey("node-1").Compute(4096));
        Assert.Equal("TyMj9RfQ3hYhz89P2SmK5g", Identity.DocumentKey("node-1").Compute(4096));
    }

    [Fact]
    public void The_key_is_sha256_of_the_canonical_encoding()
    {
        var key = Identity.DocumentKey("node-1");

        var digest = SHA256.HashData(Canonical("node-1", Identity));
        Assert.Equal(new DocumentIdKey(BitConverter.ToUInt64(digest, 0), BitConverter.ToUInt64(digest, 8)), key);
        Assert.Equal(key.Compute(4096), Identity.DocumentKey("node-1").Compute(4096));
    }

    [Theory]
    // vectors_sip128 of the SipHash reference (veorq/SipHash vectors.h): key 00..0f, message 00..(n-1).
    [InlineData(0, "a3817f04ba25a8e66df67214c7550293")]
    [InlineData(1, "da87c1d86b99af44347659119b22fc45")]
    [InlineData(7, "a1f1ebbed8dbc153c0b84aa61ff08239")]
    [InlineData(8, "3b62a9ba6258f5610f83e264f31497b4")]
    [InlineData(9, "264499060ad9baabc47f8b02bb6d71ed")]
    public void SipHash_128_matches_the_reference_vectors(int length, string expected)
    {
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var message = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var output = new byte[16];

        DocumentId.SipHash128(BitConverter.ToUInt64(key, 0), BitConverter.ToUInt64(key, 8), message, output);

        Assert.Equal(expected, Convert.ToHexStringLower(output));
    }

    [Fact]
    public void The_id_is_22_url_safe_characters()
    {
        for (var offset = 0L; offset < 2000; offset += 7)
        {
            var id = Identity.DocumentKey("worker-7.example.internal").Compute(offset);
            Assert.Equal(DocumentId.Length, id.Length);
            Assert.Matches(UrlSafe(), id);
        }
    }

    [Fact]
    public void Every_input_changes_the_id()
    {
        var id = Identity.DocumentKey("node-1").Compute(100);

        Assert.NotEqual(id, Identity.DocumentKey("node-1").Compute(101));
        Assert.NotEqual(id, Identity.DocumentKey("node-2").Compute(100));
        Assert.NotEqual(id, (Identity with { Device = 2050 }).DocumentKey("node-1").Compute(100));
        Assert.NotEqual(id, (Identity with { Inode = 1_234_568 }).DocumentKey("node-1").Compute(100));
        Assert.NotEqual(id, (Identity with { Fingerprint = 0x0123456789abcdee }).DocumentKey("node-1").Compute(100));
        Assert.NotEqual(id, (Identity with { FingerprintLength = 63 }).DocumentKey("node-1").Compute(100));
    }

    [Fact]
    public void Identical_lines_at_different_offsets_never_share_an_id()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var offset = 0L; offset < 100_000; offset++)
        {
            Assert.True(ids.Add(Identity.DocumentKey("node-1").Compute(offset)));
        }
    }

    [Fact]
    public void A_line_keeps_its_id_when_its_file_is_renamed()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("0.log", "2026-11-28T10:15:00.123456789Z stdout F hello\n2026-11-28T10:15:00.2Z stdout F again\n");
        var before = IdOfSecondLine(path);

        var rotated = path + ".20261128-101500";
        File.Move(path, rotated);

        Assert.Equal(before, IdOfSecondLine(rotated));
    }

    [Fact]
    public void Write_puts_the_same_characters_into_a_buffer_without_allocating()
    {
        var buffer = new byte[DocumentId.Length];
        Identity.DocumentKey("node-1").Write(4096, buffer);
        Assert.Equal(Identity.DocumentKey("node-1").Compute(4096), Encoding.ASCII.GetString(buffer));

        var key = Identity.DocumentKey("node-1");
        key.Write(4096, buffer);
        Assert.Equal(Identity.DocumentKey("node-1").Compute(4096), Encoding.ASCII.GetString(buffer));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var offset = 0L; offset < 1000; offset++)
        {
            key.Write(offset, buffer);
            Identity.DocumentKey("node-1").Write(offset, buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_buffer_too_small_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Identity.DocumentKey("node-1").Write(0, new byte[21]));
    }

    [Fact]
    public void A_very_long_node_name_still_hashes()
    {
        var name = new string('n', 2000);
        var digest = SHA256.HashData(Canonical(name, Identity));

        Assert.Equal(BitConverter.ToUInt64(digest, 0), Identity.DocumentKey(name).K0);
        Assert.NotEqual(Identity.DocumentKey(name).Compute(9), Identity.DocumentKey(name + "x").Compute(9));
    }

    private static string IdOfSecondLine(string path)
    {
        using var handle = File.OpenHandle(path);
        return FileIdentity.Read(handle).DocumentKey("node-1").Compute(47);
    }

    /// <summary>The canonical encoding of a file's place, spelled out independently: version 1, u16 name length,
    /// name, then device, inode, fingerprint (u64) and fingerprint length (i32), little endian.</summary>
    private static byte[] Canonical(string node, FileIdentity identity)
    {
        var name = Encoding.UTF8.GetBytes(node);
        var input = new List<byte> { 1 };
        input.AddRange(BitConverter.GetBytes((ushort)name.Length));
        input.AddRange(name);
        input.AddRange(BitConverter.GetBytes(identity.Device));
        input.AddRange(BitConverter.GetBytes(identity.Inode));
        input.AddRange(BitConverter.GetBytes(identity.Fingerprint));
        input.AddRange(BitConverter.GetBytes(identity.FingerprintLength));
        return [.. input];
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{22}$")]
    private static partial Regex UrlSafe();
}
