using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Tailing;

namespace NodeAgent.Tests.Shipping;

/// <summary>A journal entry's <c>_id</c>: a pure function of (node, seqnum id, seqnum), pinned, and never a file line's.</summary>
public sealed class JournalDocumentIdTests
{
    private static readonly byte[] SeqnumId = Convert.FromHexString("0123456789abcdeffedcba9876543210");

    [Fact]
    public void The_same_entry_gets_the_same_id_and_the_id_is_pinned()
    {
        // Changing the derivation would give every entry read again after an upgrade a new id: stored twice. The value
        // was computed apart from the agent (Python: hashlib.sha256 and the SipHash-2-4 reference, 128-bit output).
        Assert.Equal(DocumentId.JournalKey("node-1", SeqnumId).Compute(4096), DocumentId.JournalKey("node-1", SeqnumId).Compute(4096));
        Assert.Equal("83aLu3_ATWPDZf0h51I41g", DocumentId.JournalKey("node-1", SeqnumId).Compute(4096));
    }

    [Fact]
    public void The_key_is_sha256_of_version_2_the_node_name_and_the_seqnum_id()
    {
        var name = Encoding.UTF8.GetBytes("node-1");
        byte[] canonical = [2, (byte)name.Length, 0, .. name, .. SeqnumId];
        var digest = SHA256.HashData(canonical);

        Assert.Equal(new DocumentIdKey(BinaryPrimitives.ReadUInt64LittleEndian(digest), BinaryPrimitives.ReadUInt64LittleEndian(digest.AsSpan(8))), DocumentId.JournalKey("node-1", SeqnumId));
    }

    [Fact]
    public void Every_input_changes_the_id()
    {
        var id = DocumentId.JournalKey("node-1", SeqnumId).Compute(100);
        var otherId = (byte[])SeqnumId.Clone();
        otherId[15] ^= 1;

        Assert.NotEqual(id, DocumentId.JournalKey("node-1", SeqnumId).Compute(101));
        Assert.NotEqual(id, DocumentId.JournalKey("node-2", SeqnumId).Compute(100));
        Assert.NotEqual(id, DocumentId.JournalKey("node-1", otherId).Compute(100));
    }

    [Fact]
    public void A_journal_key_is_never_a_file_key()
    {
        // A file whose identity's bytes are those of the seqnum id (device and inode little endian) still gets another
        // key: the version byte differs, and the encodings' lengths too.
        var device = BinaryPrimitives.ReadUInt64LittleEndian(SeqnumId);
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(SeqnumId.AsSpan(8));
        var file = new FileIdentity(device, inode, 0, 0).DocumentKey("node-1");
        var journal = DocumentId.JournalKey("node-1", SeqnumId);

        Assert.NotEqual(file, journal);
        Assert.NotEqual(file.Compute(4096), journal.Compute(4096));
    }

    [Fact]
    public void A_seqnum_id_is_16_bytes()
    {
        Assert.Throws<ArgumentException>(() => DocumentId.JournalKey("node-1", new byte[15]));
    }
}
