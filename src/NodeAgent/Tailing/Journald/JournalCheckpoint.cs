using System.Text.Json;
using NodeAgent.Journal;

namespace NodeAgent.Tailing.Journald;

/// <summary>
/// Where reading one journal file resumes, as a journal cursor names a place: the file's seqnum id and the seqnum of
/// the last entry delivered (every entry of the file up to it is acknowledged: DELIVERY.md rule 2, with seqnums for
/// offsets). Keyed by the file's id (<c>file_id</c> of its header), never its path: journald renames its active file
/// when it archives it (<c>system.journal</c> to <c>system@…​.journal</c>), and the same file goes on under the new name.
/// </summary>
/// <param name="Seqnum">The last acknowledged seqnum; 0 when none is (journald's seqnums start at 1).</param>
/// <param name="Path">Where the file was last seen: for humans, and for saying which file went missing.</param>
/// <param name="LastSeen">When the agent last saw the file (listed, or read): a checkpoint not seen for
/// <c>Logs:CheckpointExpiry</c> is dropped.</param>
internal sealed record JournalCheckpoint(JournalId FileId, JournalId SeqnumId, ulong Seqnum, string Path, DateTimeOffset LastSeen)
{
    /// <summary>The seqnum of the file's last entry when last seen (its header's tail_entry_seqnum), 0 when unknown:
    /// whether a file vacuumed while no agent was reading it took entries never delivered with it.</summary>
    public ulong TailSeqnum { get; init; }

    /// <summary>The file held, when last seen, entries after the last one delivered.</summary>
    public bool HasUnread => TailSeqnum > Seqnum;
}

/// <summary>
/// <c>journal.json</c>, version 1: <c>{"version":1,"checkpoints":[{...}]}</c>, one object per journal file with
/// <c>file_id</c> and <c>seqnum_id</c> (32 hex digits, as journalctl prints ids), <c>seqnum</c>, <c>tail_seqnum</c>,
/// <c>path</c> and <c>last_seen</c> (RFC 3339, UTC). Unknown properties are ignored; a missing or malformed known one
/// makes the whole file unusable, since the agent only ever writes it whole.
/// </summary>
internal static class JournalCheckpointJson
{
    public const int CurrentVersion = 1;

    public static void Write(Utf8JsonWriter writer, IEnumerable<JournalCheckpoint> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("version", CurrentVersion);
        writer.WriteStartArray("checkpoints");
        foreach (var checkpoint in checkpoints)
        {
            writer.WriteStartObject();
            writer.WriteString("file_id", checkpoint.FileId.ToString());
            writer.WriteString("seqnum_id", checkpoint.SeqnumId.ToString());
            writer.WriteNumber("seqnum", checkpoint.Seqnum);
            writer.WriteNumber("tail_seqnum", checkpoint.TailSeqnum);
            writer.WriteString("path", checkpoint.Path);
            writer.WriteString("last_seen", checkpoint.LastSeen.ToUniversalTime());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The checkpoints of a version-1 file, the latest per file id; <see cref="JsonException"/> for text
    /// that is not JSON, <see cref="InvalidDataException"/> (the message says what is wrong) for JSON that is not a
    /// journal checkpoint file of this version.</summary>
    public static List<JournalCheckpoint> Parse(byte[] content)
    {
        using var document = JsonDocument.Parse(content);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("is not a JSON object");
        }

        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number))
        {
            throw new InvalidDataException("has no \"version\"");
        }

        if (number != CurrentVersion)
        {
            throw new InvalidDataException($"has version {number}, which this agent does not know (it writes version {CurrentVersion})");
        }

        if (!root.TryGetProperty("checkpoints", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("has no \"checkpoints\" array");
        }

        var latest = new Dictionary<JournalId, JournalCheckpoint>();
        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var checkpoint = ParseEntry(entry, index++);
            if (!latest.TryGetValue(checkpoint.FileId, out var known) || checkpoint.LastSeen >= known.LastSeen)
            {
                latest[checkpoint.FileId] = checkpoint;
            }
        }

        return [.. latest.Values];
    }

    private static JournalCheckpoint ParseEntry(JsonElement entry, int index)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"checkpoint {index} is not an object");
        }

        var path = entry.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : throw Invalid("path", index);
        var lastSeen = entry.TryGetProperty("last_seen", out var seen) && seen.ValueKind == JsonValueKind.String && seen.TryGetDateTimeOffset(out var at)
            ? at : throw Invalid("last_seen", index);
        return new JournalCheckpoint(Id(entry, "file_id", index), Id(entry, "seqnum_id", index), Number(entry, "seqnum", index), path, lastSeen)
        {
            TailSeqnum = Number(entry, "tail_seqnum", index),
        };
    }

    private static JournalId Id(JsonElement entry, string name, int index) =>
        entry.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String && JournalId.TryParse(element.GetString(), out var id)
            ? id : throw Invalid(name, index);

    /// <summary>A seqnum: the agent uses them as offsets (long), so one past long's range is not one it wrote.</summary>
    private static ulong Number(JsonElement entry, string name, int index) =>
        entry.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out var value) && value < long.MaxValue
            ? value : throw Invalid(name, index);

    private static InvalidDataException Invalid(string name, int index) => new($"checkpoint {index} has no valid \"{name}\"");
}
