using System.Buffers;
using System.Text;
using System.Text.Json;
using NodeAgent.Delivery;
using NodeAgent.Journal;
using NodeAgent.Parsing;
using NodeAgent.Shipping;
using NodeAgent.Tailing.Journald;

namespace NodeAgent.Tests.Tailing.Journald;

/// <summary>A journal entry's document: Elastic's journald field names, numbers where Elasticsearch maps numbers, the
/// message cut and flagged as a line's is, binary values escaped, and contexts shared between entries.</summary>
public sealed class JournalDocumentsTests : IDisposable
{
    private const string JournalPath = "/var/log/journal/0123/system.journal";
    private readonly RecordArena _arena = new();

    public void Dispose() => _arena.Dispose();

    private static JournalDocuments Documents(DataStreamName? dataStream = null, int maxMessageBytes = 1 << 20) =>
        new("node-7", dataStream, maxMessageBytes, "1.2.3");

    private JsonElement Document(JournalDocuments documents, JournalEntry entry, string path = JournalPath)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EcsDocumentWriter.Write(buffer, documents.Record(entry, _arena), documents.Context(path, entry));
        using var json = JsonDocument.Parse(buffer.WrittenMemory);
        return json.RootElement.Clone();
    }

    [Fact]
    public void An_entry_becomes_a_document_with_the_journald_integrations_fields()
    {
        var entry = JournalEntries.Entry(42,
            ("MESSAGE", "Started kubelet: The Kubernetes Node Agent."),
            ("PRIORITY", "6"),
            ("SYSLOG_IDENTIFIER", "systemd"),
            ("_SYSTEMD_UNIT", "init.scope"),
            ("_TRANSPORT", "journal"),
            ("_PID", "1"),
            ("_HOSTNAME", "ignored"));

        var document = Document(Documents(JournalOptions.DefaultDataStream), entry);

        Assert.Equal(
            """{"@timestamp":"2026-11-28T10:15:00.123498Z","message":"Started kubelet: The Kubernetes Node Agent.","log":{"offset":42,"file":{"path":"/var/log/journal/0123/system.journal"},"syslog":{"priority":6,"appname":"systemd"}},"systemd":{"unit":"init.scope","transport":"journal"},"process":{"pid":1},"host":{"name":"node-7"},"data_stream":{"type":"logs","dataset":"journald.logs","namespace":"default"},"event":{"dataset":"journald.logs"},"agent":{"type":"node-agent","version":"1.2.3"},"ecs":{"version":"8.11.0"}}""",
            document.GetRawText());
    }

    [Fact]
    public void Fields_the_entry_lacks_or_numbers_that_do_not_parse_are_left_out()
    {
        var entry = JournalEntries.Entry(7, ("MESSAGE", "kernel: eth0 up"), ("PRIORITY", "warning"), ("_PID", "12x"), ("_TRANSPORT", "kernel"));

        var document = Document(Documents(), entry);

        Assert.False(document.GetProperty("log").TryGetProperty("syslog", out _), document.GetRawText());
        Assert.False(document.TryGetProperty("process", out _));
        Assert.False(document.TryGetProperty("stream", out _));
        Assert.False(document.GetProperty("systemd").TryGetProperty("unit", out _));
        Assert.Equal("kernel", document.GetProperty("systemd").GetProperty("transport").GetString());
        // Elasticsearch:Index: no data_stream.*, and the dataset still says what the events are.
        Assert.False(document.TryGetProperty("data_stream", out _));
        Assert.Equal("journald.logs", document.GetProperty("event").GetProperty("dataset").GetString());
    }

    [Fact]
    public void An_entry_without_a_message_gets_an_empty_one()
    {
        var document = Document(Documents(), JournalEntries.Entry(3, ("_SYSTEMD_UNIT", "cron.service")));

        Assert.Equal("", document.GetProperty("message").GetString());
        Assert.False(document.GetProperty("log").TryGetProperty("flags", out _));
    }

    [Fact]
    public void A_binary_message_keeps_its_bytes_escaped_and_flagged()
    {
        var document = Document(Documents(), JournalEntries.Binary(5, ("MESSAGE", [(byte)'o', (byte)'k', 0xff, 0x00, (byte)'\n'])));

        Assert.Equal("ok\\xff\0\n", document.GetProperty("message").GetString());
        Assert.Equal(["invalid_utf8", "contains_nul"], document.GetProperty("log").GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public void A_message_over_the_cap_is_cut_on_a_character_boundary_and_flagged()
    {
        // "é" is two bytes: a cut after 6 bytes would split the third one.
        var entry = JournalEntries.Entry(9, ("MESSAGE", "abcdeéééé"));

        var document = Document(Documents(maxMessageBytes: 6), entry);

        Assert.Equal("abcde", document.GetProperty("message").GetString());
        Assert.Equal(["truncated"], document.GetProperty("log").GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public void A_value_the_reader_cut_at_its_field_cap_is_flagged_truncated()
    {
        var entry = JournalEntries.Entry(9, ("MESSAGE", "start of a long value"));
        entry = new JournalEntry
        {
            SeqnumId = entry.SeqnumId, Seqnum = entry.Seqnum, RealtimeMicroseconds = entry.RealtimeMicroseconds, MonotonicMicroseconds = 0,
            BootId = entry.BootId, XorHash = 0, Offset = entry.Offset, Fields = [entry.Fields[0] with { Truncated = true }],
        };

        var record = Documents().Record(entry, _arena);

        Assert.Equal(LogFlags.Truncated, record.Flags);
    }

    [Fact]
    public void The_record_is_named_by_its_seqnum_and_spans_one()
    {
        var record = Documents().Record(JournalEntries.Entry(1_000_001, ("MESSAGE", "x")), _arena);

        Assert.Equal(1_000_001, record.StartOffset);
        Assert.Equal(1_000_002, record.EndOffset);
        Assert.Equal("2026-11-28T10:15:01.123457Z", record.TimestampText);
    }

    [Fact]
    public void Invalid_utf8_in_a_context_field_is_escaped_as_in_a_message()
    {
        var entry = JournalEntries.Binary(4, ("MESSAGE", "m"u8.ToArray()), ("SYSLOG_IDENTIFIER", [(byte)'a', 0xc3]));

        var document = Document(Documents(), entry);

        Assert.Equal("a\\xc3", document.GetProperty("log").GetProperty("syslog").GetProperty("appname").GetString());
    }

    [Fact]
    public void Entries_with_the_same_fields_share_one_context_and_the_cache_is_bounded()
    {
        var documents = Documents(JournalOptions.DefaultDataStream);
        var first = documents.Context(JournalPath, JournalEntries.Entry(1, ("MESSAGE", "a"), ("_SYSTEMD_UNIT", "kubelet.service"), ("_PID", "900")));
        var second = documents.Context(JournalPath, JournalEntries.Entry(2, ("MESSAGE", "b"), ("_SYSTEMD_UNIT", "kubelet.service"), ("_PID", "900")));
        var otherPid = documents.Context(JournalPath, JournalEntries.Entry(3, ("MESSAGE", "c"), ("_SYSTEMD_UNIT", "kubelet.service"), ("_PID", "901")));
        var otherFile = documents.Context(JournalPath + "~", JournalEntries.Entry(4, ("MESSAGE", "d"), ("_SYSTEMD_UNIT", "kubelet.service"), ("_PID", "900")));
        var noPid = documents.Context(JournalPath, JournalEntries.Entry(5, ("MESSAGE", "e"), ("_SYSTEMD_UNIT", "kubelet.service")));

        Assert.Same(first, second);
        Assert.NotSame(first, otherPid);
        Assert.NotSame(first, otherFile);
        Assert.NotSame(first, noPid);
        // Routed: each bulk action names the journal's data stream, not the output's target.
        Assert.Equal("logs-journald.logs-default", Encoding.UTF8.GetString(first.Index!));
        Assert.False(first.HasStream);
        Assert.False(first.ParseJson);

        for (var pid = 0; pid < 3 * JournalDocuments.MaxContexts; pid++)
        {
            documents.Context(JournalPath, JournalEntries.Entry((ulong)pid + 10, ("_PID", pid.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.InRange(documents.CachedContexts, 1, JournalDocuments.MaxContexts);
        }
    }

    [Theory]
    [InlineData("abcdef", 3, 3)]
    [InlineData("aé", 2, 1)]
    [InlineData("a€b", 3, 1)]
    [InlineData("a€b", 4, 4)]
    [InlineData("a😀", 4, 1)]
    public void The_cut_never_ends_inside_a_character(string text, int max, int expected)
    {
        Assert.Equal(expected, JournalDocuments.CharacterBoundary(Encoding.UTF8.GetBytes(text), max));
    }
}
