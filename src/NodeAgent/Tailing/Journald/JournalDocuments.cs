using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using NodeAgent.Delivery;
using NodeAgent.Journal;
using NodeAgent.Parsing;
using NodeAgent.Shipping;

namespace NodeAgent.Tailing.Journald;

/// <summary>
/// Turns journal entries into what the output writes, with the field names of Elastic's journald integration:
/// per entry a <see cref="LogRecord"/> (<c>@timestamp</c> from the entry's realtime, <c>message</c> from
/// <c>MESSAGE</c>, <c>log.offset</c> = the seqnum), and the rest in a <see cref="DocumentContext"/>'s encoded tail:
/// <c>log.file.path</c> (the journal file), <c>log.syslog.priority</c> (<c>PRIORITY</c>, a number),
/// <c>log.syslog.appname</c> (<c>SYSLOG_IDENTIFIER</c>), <c>systemd.unit</c> (<c>_SYSTEMD_UNIT</c>),
/// <c>systemd.transport</c> (<c>_TRANSPORT</c>), <c>process.pid</c> (<c>_PID</c>, a number), <c>host.name</c>, and
/// <c>data_stream.*</c>, <c>event.dataset</c>, <c>agent.*</c> and <c>ecs.version</c> as every other document has them.
/// No <c>stream</c>: an entry has none.
/// <para>
/// A node's entries come from a few dozen units and processes, so one context serves many entries: contexts are kept
/// per distinct (file, unit, transport, priority, appname, pid), looked up with the entry's own bytes (no allocation
/// on a hit), and all dropped when there are more than <see cref="MaxContexts"/> (a node that starts many short
/// processes would otherwise keep one per PID forever). A number that does not parse (a <c>PRIORITY</c> of
/// <c>warning</c>) is left out: Elasticsearch maps those fields as numbers and would refuse the whole document.
/// </para>
/// </summary>
internal sealed class JournalDocuments(string nodeName, DataStreamName? dataStream, int maxMessageBytes, string agentVersion)
{
    public const int MaxContexts = 512;

    private static readonly string[] FieldNames = ["_SYSTEMD_UNIT", "_TRANSPORT", "PRIORITY", "SYSLOG_IDENTIFIER", "_PID"];

    private readonly Dictionary<ContextKey, DocumentContext> _contexts = new(ContextKeyComparer.Instance);
    // The values of the entry being looked up: one array for every lookup (one thread, the reading loop's).
    private readonly ReadOnlyMemory<byte>?[] _lookup = new ReadOnlyMemory<byte>?[FieldNames.Length];

    public JournalDocuments(string nodeName, DataStreamName? dataStream, int maxMessageBytes)
        : this(nodeName, dataStream, maxMessageBytes, Telemetry.AgentVersion.Current)
    {
    }

    /// <summary>How many contexts are kept now (tests: the bound holds).</summary>
    public int CachedContexts => _contexts.Count;

    /// <summary>The context of <paramref name="entry"/>'s document, read from the file at <paramref name="path"/>.</summary>
    public DocumentContext Context(string path, JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var key = new ContextKey(path, Values(entry, _lookup));
        if (_contexts.TryGetValue(key, out var context))
        {
            return context;
        }

        if (_contexts.Count >= MaxContexts)
        {
            _contexts.Clear();
        }

        // The key keeps copies: the entry's bytes may be the reader's cached payloads, which it may drop.
        var owned = new ContextKey(path, [.. key.Values.Select(v => v is { } bytes ? new ReadOnlyMemory<byte>(bytes.ToArray()) : (ReadOnlyMemory<byte>?)null)]);
        context = new DocumentContext(path, dataStream, parseJson: false, EncodeTail(path, owned.Values), hasStream: false, routed: true);
        _contexts[owned] = context;
        return context;
    }

    /// <summary>
    /// The record of <paramref name="entry"/>: its timestamp written into <paramref name="arena"/>; its message the
    /// reader's own bytes (a journal value's array is never written again, so it stays valid as long as the record
    /// is used), cut at <c>Logs:MaxMessageBytes</c> on a character boundary and flagged truncated, as is a value the
    /// reader cut at its field cap. An entry without <c>MESSAGE</c> gets an empty one. Binary values (not UTF-8) are
    /// the document writer's to escape and flag.
    /// </summary>
    public LogRecord Record(JournalEntry entry, RecordArena arena)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(arena);
        Span<byte> stamp = stackalloc byte[32];
        entry.Timestamp.UtcDateTime.TryFormat(stamp, out var written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

        var flags = LogFlags.None;
        var message = ReadOnlyMemory<byte>.Empty;
        foreach (var field in entry.Fields)
        {
            if (string.Equals(field.Name, "MESSAGE", StringComparison.Ordinal))
            {
                message = field.Value;
                if (field.Truncated)
                {
                    flags |= LogFlags.Truncated;
                }

                break;
            }
        }

        if (message.Length > maxMessageBytes)
        {
            message = message[..CharacterBoundary(message.Span, maxMessageBytes)];
            flags |= LogFlags.Truncated;
        }

        var seqnum = checked((long)entry.Seqnum);
        return new LogRecord(arena.Copy(stamp[..written]), LogStream.Stdout, message, seqnum, seqnum + 1, flags);
    }

    /// <summary>The largest length up to <paramref name="max"/> that does not end inside a UTF-8 sequence (a binary
    /// value is cut where it is: its bytes are escaped anyway).</summary>
    internal static int CharacterBoundary(ReadOnlySpan<byte> bytes, int max)
    {
        var end = max;
        // Step back over continuation bytes (10xxxxxx), at most three, to the lead byte, and cut before it.
        for (var back = 0; back < 3 && end > 0 && (bytes[end] & 0xC0) == 0x80; back++)
        {
            end--;
        }

        return (bytes[end] & 0xC0) == 0x80 || end == 0 ? max : end;
    }

    private static ReadOnlyMemory<byte>?[] Values(JournalEntry entry, ReadOnlyMemory<byte>?[] values)
    {
        for (var i = 0; i < FieldNames.Length; i++)
        {
            // Not "? value : null": null would become an empty value through byte[]'s conversion to memory.
            values[i] = entry.TryGetValue(FieldNames[i], out var value) ? value : (ReadOnlyMemory<byte>?)null;
        }

        return values;
    }

    private byte[] EncodeTail(string path, ReadOnlyMemory<byte>?[] values)
    {
        var (unit, transport, priority, appName, pid) = (values[0], values[1], Number(values[2]), values[3], Number(values[4]));
        var buffer = new ArrayBufferWriter<byte>(512);
        using var json = new Utf8JsonWriter(buffer, EcsDocumentWriter.Options);

        // As DocumentFields does: a throw-away prefix puts the writer inside "log" just after log.offset, so it
        // writes the separating comma and checks the nesting; the prefix is cut off below.
        json.WriteStartObject();
        json.WriteStartObject("log");
        json.WriteNumber("offset", 0);
        json.Flush();
        var prefixLength = buffer.WrittenCount;

        json.WriteStartObject("file");
        json.WriteString("path", path);
        json.WriteEndObject();
        if (priority is not null || appName is not null)
        {
            json.WriteStartObject("syslog");
            if (priority is { } p)
            {
                json.WriteNumber("priority", p);
            }

            if (appName is { } name)
            {
                WriteText(json, "appname", name.Span);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();

        if (unit is not null || transport is not null)
        {
            json.WriteStartObject("systemd");
            if (unit is { } u)
            {
                WriteText(json, "unit", u.Span);
            }

            if (transport is { } t)
            {
                WriteText(json, "transport", t.Span);
            }

            json.WriteEndObject();
        }

        if (pid is { } processId)
        {
            json.WriteStartObject("process");
            json.WriteNumber("pid", processId);
            json.WriteEndObject();
        }

        json.WriteStartObject("host");
        json.WriteString("name", nodeName);
        json.WriteEndObject();

        if (dataStream is { } target)
        {
            json.WriteStartObject("data_stream");
            json.WriteString("type", target.Type);
            json.WriteString("dataset", target.Dataset);
            json.WriteString("namespace", target.Namespace);
            json.WriteEndObject();
        }

        json.WriteStartObject("event");
        json.WriteString("dataset", (dataStream ?? JournalOptions.DefaultDataStream).Dataset);
        json.WriteEndObject();

        json.WriteStartObject("agent");
        json.WriteString("type", Kubernetes.DocumentFields.AgentType);
        json.WriteString("version", agentVersion);
        json.WriteEndObject();

        json.WriteStartObject("ecs");
        json.WriteString("version", Kubernetes.DocumentFields.EcsVersion);
        json.WriteEndObject();

        json.WriteEndObject();
        json.Flush();
        return buffer.WrittenSpan[prefixLength..].ToArray();
    }

    /// <summary>A decimal integer, as journald writes PRIORITY and _PID; null when absent or anything else.</summary>
    private static long? Number(ReadOnlyMemory<byte>? value) =>
        value is { } bytes && Utf8Parser.TryParse(bytes.Span, out long number, out var consumed) && consumed == bytes.Length && bytes.Length > 0
            ? number : null;

    /// <summary>A field's text, its invalid UTF-8 bytes kept as <c>\xNN</c> as the document writer keeps a message's.</summary>
    private static void WriteText(Utf8JsonWriter json, string name, ReadOnlySpan<byte> value)
    {
        if (Utf8.IsValid(value))
        {
            json.WriteString(name, value);
            return;
        }

        var escaped = new byte[value.Length * 4];
        json.WriteString(name, escaped.AsSpan(0, EcsDocumentWriter.ReplaceInvalidUtf8(value, escaped)));
    }

    /// <summary>A file and the values of <see cref="FieldNames"/> (null: the entry has no such field).</summary>
    private readonly record struct ContextKey(string Path, ReadOnlyMemory<byte>?[] Values);

    /// <summary>Compares the values' bytes, not their arrays.</summary>
    private sealed class ContextKeyComparer : IEqualityComparer<ContextKey>
    {
        public static readonly ContextKeyComparer Instance = new();

        public bool Equals(ContextKey x, ContextKey y)
        {
            if (!string.Equals(x.Path, y.Path, StringComparison.Ordinal))
            {
                return false;
            }

            for (var i = 0; i < x.Values.Length; i++)
            {
                var (a, b) = (x.Values[i], y.Values[i]);
                if (a.HasValue != b.HasValue || (a is { } left && !left.Span.SequenceEqual(b!.Value.Span)))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(ContextKey key)
        {
            var hash = new HashCode();
            hash.Add(key.Path, StringComparer.Ordinal);
            foreach (var value in key.Values)
            {
                hash.Add(value.HasValue);
                if (value is { } bytes)
                {
                    hash.AddBytes(bytes.Span);
                }
            }

            return hash.ToHashCode();
        }
    }
}
