using System.Globalization;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace NodeAgent.Tailing;

/// <summary>
/// Where reading a file resumes after a restart (DELIVERY.md rules 1 and 2), keyed by <see cref="Identity"/>, never by
/// <see cref="Path"/>: the path is only where the file was last seen, a hint for finding it again and for humans.
/// <see cref="TailHash"/> covers the <see cref="TailLength"/> bytes just before <see cref="Offset"/> (up to
/// <see cref="TailBytes"/>): on resume they must still be there, or the file was truncated and written again past the
/// old offset and is read as new (Fluent Bit and Vector only compare the size, which misses a rewrite that grew past
/// the offset again).
/// </summary>
/// <param name="Identity">The file's identity as first recorded; its documents' ids are computed from it.</param>
/// <param name="Path">Where the file was last seen.</param>
/// <param name="Offset">The acknowledged offset: every line before it is delivered.</param>
/// <param name="TailHash"><see cref="FileIdentity.Hash"/> of the bytes just before <paramref name="Offset"/>.</param>
/// <param name="TailLength">How many bytes <paramref name="TailHash"/> covers: min(<paramref name="Offset"/>, 64).</param>
/// <param name="UpdatedAt">When the agent last saw the file (not when the offset last moved): an entry not refreshed
/// for the expiry is dropped, so a live file must be refreshed even while it is idle.</param>
internal sealed record Checkpoint(FileIdentity Identity, string Path, long Offset, ulong TailHash, int TailLength, DateTimeOffset UpdatedAt)
{
    /// <summary>How many bytes before the offset the tail hash covers.</summary>
    public const int TailBytes = 64;

    /// <summary>When the agent found this content truncated in place (logrotate's copytruncate), or, for a checkpoint
    /// loaded at start, found its inode holding other content (a truncation it may not have seen); null otherwise.
    /// Such a checkpoint resumes nothing, its content is gone, but it still names what logrotate's copy of that content
    /// begins with (<see cref="Checkpointer.IsCopyOfKnownFile"/>), and it is kept for
    /// <see cref="Checkpointer.TruncatedContentGrace"/> from this time. Saved with it, so that a restart within the
    /// grace still knows the copy (a copy read again is every line of it stored twice, under the copy's ids).</summary>
    public DateTimeOffset? TruncatedAt { get; init; }

    /// <summary>A checkpoint from bytes in hand: <paramref name="tail"/> is exactly the
    /// min(<paramref name="offset"/>, <see cref="TailBytes"/>) bytes that end at <paramref name="offset"/>.</summary>
    public static Checkpoint From(FileIdentity identity, string path, long offset, ReadOnlySpan<byte> tail, DateTimeOffset updatedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (tail.Length != TailLengthAt(offset))
        {
            throw new ArgumentException($"the tail must be the {TailLengthAt(offset)} bytes before offset {offset}, not {tail.Length}", nameof(tail));
        }

        return new Checkpoint(identity, path, offset, FileIdentity.Hash(tail), tail.Length, updatedAt);
    }

    /// <summary>A checkpoint at <paramref name="offset"/> of an open file, its tail read from the file (one pread of at
    /// most 64 bytes). Null when the file no longer holds the bytes before the offset: it was truncated, and a
    /// position that cannot be verified on resume is not worth saving (the reader handles the truncation).</summary>
    public static Checkpoint? Capture(FileIdentity identity, string path, SafeFileHandle handle, long offset, DateTimeOffset updatedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Span<byte> tail = stackalloc byte[TailLengthAt(offset)];
        var read = FileIdentity.ReadAt(handle, tail, offset - tail.Length);
        return read == tail.Length ? From(identity, path, offset, tail, updatedAt) : null;
    }

    /// <summary>Whether the bytes before <see cref="Offset"/> are still those the checkpoint was taken over:
    /// <paramref name="before"/> must be the <see cref="TailLength"/> bytes that end at the offset (fewer, and the file
    /// is now shorter than the offset: truncated).</summary>
    public bool TailMatches(ReadOnlySpan<byte> before) =>
        before.Length == TailLength && FileIdentity.Hash(before) == TailHash;

    internal static int TailLengthAt(long offset) => (int)Math.Min(offset, TailBytes);
}

/// <summary>
/// The checkpoint file's format, version 1: <c>{"version":1,"discovered_at":"...","checkpoints":[{...}]}</c>
/// (<c>discovered_at</c>, optional, is when the agent last looked for files), one object per file with
/// <c>device</c>, <c>inode</c>, <c>fingerprint</c> (16 hex digits), <c>fingerprint_length</c>, <c>path</c>,
/// <c>offset</c>, <c>tail_hash</c> (16 hex digits), <c>tail_length</c>, <c>updated_at</c> (RFC 3339, UTC) and, only for
/// content truncated in place, <c>truncated_at</c> (<see cref="Checkpoint.TruncatedAt"/>; added without a new
/// version: a file without it, as every earlier build wrote, is a file with no truncated content, and an earlier build
/// ignores it). The 64-bit hashes are strings so that tools reading JSON numbers as doubles (jq, JavaScript) do not
/// round them. Unknown properties are ignored; a missing or malformed known one (a present but malformed optional one
/// too) makes the whole file unusable, since the agent only ever writes it whole.
/// </summary>
internal static class CheckpointJson
{
    private const int FlushBytes = 16 * 1024;

    public static void Write(Utf8JsonWriter writer, IEnumerable<Checkpoint> checkpoints, DateTimeOffset? discoveredAt = null)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", CheckpointStore.CurrentVersion);
        if (discoveredAt is { } at)
        {
            writer.WriteString("discovered_at", at.ToUniversalTime());
        }

        writer.WriteStartArray("checkpoints");
        foreach (var checkpoint in checkpoints)
        {
            writer.WriteStartObject();
            writer.WriteNumber("device", checkpoint.Identity.Device);
            writer.WriteNumber("inode", checkpoint.Identity.Inode);
            WriteHex(writer, "fingerprint", checkpoint.Identity.Fingerprint);
            writer.WriteNumber("fingerprint_length", checkpoint.Identity.FingerprintLength);
            writer.WriteString("path", checkpoint.Path);
            writer.WriteNumber("offset", checkpoint.Offset);
            WriteHex(writer, "tail_hash", checkpoint.TailHash);
            writer.WriteNumber("tail_length", checkpoint.TailLength);
            writer.WriteString("updated_at", checkpoint.UpdatedAt.ToUniversalTime());
            if (checkpoint.TruncatedAt is { } truncatedAt)
            {
                writer.WriteString("truncated_at", truncatedAt.ToUniversalTime());
            }

            writer.WriteEndObject();
            if (writer.BytesPending >= FlushBytes)
            {
                // Into the stream as it goes: the writer otherwise buffers the whole file (300 KB with a thousand
                // files, grown by doubling on the large object heap at every save).
                writer.Flush();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The checkpoints of a version-1 file, one per identity; <see cref="JsonException"/> for text that is
    /// not JSON, <see cref="InvalidDataException"/> (the message says what is wrong) for JSON that is not a checkpoint
    /// file of this version.</summary>
    public static List<Checkpoint> Parse(byte[] content) => Parse(content, out _);

    /// <summary><see cref="Parse(byte[])"/>, and the optional top-level <c>discovered_at</c> (null when absent or not
    /// a time: it only widens what a restart looks at, see <see cref="Checkpointer.PreviousDiscovery"/>).</summary>
    public static List<Checkpoint> Parse(byte[] content, out DateTimeOffset? discoveredAt)
    {
        discoveredAt = null;
        using var document = JsonDocument.Parse(content);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("is not a JSON object");
        }

        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number))
        {
            throw new InvalidDataException("has no numeric \"version\"");
        }

        if (number != CheckpointStore.CurrentVersion)
        {
            throw new InvalidDataException($"is of version {number}, which this build does not read (it reads version {CheckpointStore.CurrentVersion})");
        }

        if (root.TryGetProperty("discovered_at", out var discovered) && discovered.ValueKind == JsonValueKind.String
            && discovered.TryGetDateTimeOffset(out var at))
        {
            discoveredAt = at;
        }

        if (!root.TryGetProperty("checkpoints", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("has no \"checkpoints\" array");
        }

        var checkpoints = new List<Checkpoint>(entries.GetArrayLength());
        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            checkpoints.Add(ParseEntry(entry, index++));
        }

        return [.. LatestPerIdentity(checkpoints)];
    }

    /// <summary>At most one checkpoint per identity, the most recently updated (the later one on a tie), in the order
    /// the identities first appear.</summary>
    public static IEnumerable<Checkpoint> LatestPerIdentity(IEnumerable<Checkpoint> checkpoints)
    {
        var latest = new Dictionary<FileIdentity, int>();
        var kept = new List<Checkpoint>();
        foreach (var checkpoint in checkpoints)
        {
            if (!latest.TryGetValue(checkpoint.Identity, out var at))
            {
                latest.Add(checkpoint.Identity, kept.Count);
                kept.Add(checkpoint);
            }
            else if (checkpoint.UpdatedAt >= kept[at].UpdatedAt)
            {
                kept[at] = checkpoint;
            }
        }

        return kept;
    }

    private static Checkpoint ParseEntry(JsonElement entry, int index)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"checkpoint {index} is not an object");
        }

        var device = Number(entry, "device", index);
        var inode = Number(entry, "inode", index);
        var fingerprint = HexNumber(entry, "fingerprint", index);
        var fingerprintLength = Length(entry, "fingerprint_length", index, FileIdentity.FingerprintBytes);
        var path = entry.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()!
            : throw Invalid("path", index);
        var offset = entry.TryGetProperty("offset", out var o) && o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out var value) && value >= 0
            ? value : throw Invalid("offset", index);
        var tailHash = HexNumber(entry, "tail_hash", index);
        var tailLength = Length(entry, "tail_length", index, Checkpoint.TailBytes);
        if (tailLength != Checkpoint.TailLengthAt(offset))
        {
            throw new InvalidDataException($"checkpoint {index} has a \"tail_length\" of {tailLength} for offset {offset}");
        }

        var updatedAt = Time(entry, "updated_at", index) ?? throw Invalid("updated_at", index);
        return new Checkpoint(new FileIdentity(device, inode, fingerprint, fingerprintLength), path, offset, tailHash, tailLength, updatedAt)
        {
            TruncatedAt = Time(entry, "truncated_at", index),
        };
    }

    /// <summary>The time in the property, null when it is absent; malformed, it makes the file unusable.</summary>
    private static DateTimeOffset? Time(JsonElement entry, string name, int index) =>
        !entry.TryGetProperty(name, out var element) ? null
        : element.ValueKind == JsonValueKind.String && element.TryGetDateTimeOffset(out var at) ? at
        : throw Invalid(name, index);

    private static ulong Number(JsonElement entry, string name, int index) =>
        entry.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out var value)
            ? value : throw Invalid(name, index);

    private static int Length(JsonElement entry, string name, int index, int max) =>
        entry.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value)
            && value >= 0 && value <= max ? value : throw Invalid(name, index);

    private static ulong HexNumber(JsonElement entry, string name, int index) =>
        entry.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String
            && element.GetString() is { Length: 16 } text
            && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value : throw Invalid(name, index);

    private static InvalidDataException Invalid(string name, int index) =>
        new($"checkpoint {index} has no valid \"{name}\"");

    private static void WriteHex(Utf8JsonWriter writer, string name, ulong value)
    {
        Span<char> hex = stackalloc char[16];
        value.TryFormat(hex, out var written, "x16", CultureInfo.InvariantCulture);
        writer.WriteString(name, hex[..written]);
    }
}
