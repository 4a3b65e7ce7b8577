using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using NodeAgent.Delivery;

namespace NodeAgent.Tailing;

/// <summary>What <see cref="CheckpointStore.Load"/> found.</summary>
/// <param name="Checkpoints">The checkpoints, at most one per identity.</param>
/// <param name="FileExisted">False on a first start (no checkpoint file): the only case where
/// <c>Logs:ReadFromHead=false</c> may start files at their end. A file set aside counts as existing.</param>
/// <param name="Problem">Why the file could not be used and where it was set aside, for /healthz and the status page;
/// null when it was fine or absent. Already logged by the store.</param>
/// <param name="DiscoveredAt">When the agent that saved the file last looked for files (see
/// <see cref="Checkpointer.PreviousDiscovery"/>); null when unknown.</param>
internal sealed record CheckpointLoad(IReadOnlyList<Checkpoint> Checkpoints, bool FileExisted, string? Problem, DateTimeOffset? DiscoveredAt = null);

/// <summary>
/// The checkpoint file, <c>checkpoints.json</c> under <c>Logs:StatePath</c> (house rule 6): versioned JSON, written to
/// a temporary file, fsynced, renamed over the old one and the directory fsynced, so that after a crash or power loss
/// the file is either the old or the new one, whole (the sequence rename(2) documents as atomic, and the one Vector's
/// checkpointer uses). A file that cannot be used is reported and renamed aside, never fatal and never silently
/// overwritten. Entries not refreshed for the expiry (<c>Logs:CheckpointExpiry</c>) are dropped on save, not on load:
/// after a long downtime the files are first looked for, and only entries whose file is gone stay unrefreshed. The
/// caller forgets them too (<see cref="Expire"/>), so that state does not grow with every file a node ever had.
/// The directory and the files are private to the agent (<see cref="StateDirectory"/>).
/// One writer: calls are serialized, but two agents must not share a state directory.
/// </summary>
internal sealed partial class CheckpointStore(string statePath, TimeProvider time, TimeSpan expiry, ILogger logger)
{
    public const string FileName = StateDirectory.CheckpointFileName;
    public const int CurrentVersion = 1;

    private readonly object _gate = new();

    public string FilePath { get; } = Path.Combine(statePath, FileName);

    /// <summary><c>Logs:CheckpointExpiry</c>.</summary>
    public TimeSpan Expiry => expiry;

    /// <summary>Reads the checkpoints. A missing file or directory is a first start; an unreadable, malformed or
    /// unknown-version file is renamed to <c>checkpoints.json.corrupt-&lt;UTC time&gt;</c> and reported in
    /// <see cref="CheckpointLoad.Problem"/>; the agent then starts without checkpoints (documents keep their ids, so
    /// re-reading from the start of the files duplicates nothing in Elasticsearch). Called at start: a state directory
    /// or file left open to other users is made private first.</summary>
    public CheckpointLoad Load()
    {
        lock (_gate)
        {
            StateDirectory.Tighten(statePath, logger);
            if (!File.Exists(FilePath))
            {
                return new CheckpointLoad([], FileExisted: false, Problem: null);
            }

            byte[] content;
            try
            {
                content = File.ReadAllBytes(FilePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return SetAside($"cannot be read ({e.Message})");
            }

            try
            {
                var checkpoints = CheckpointJson.Parse(content, out var discoveredAt);
                Log.Loaded(logger, checkpoints.Count, FilePath);
                return new CheckpointLoad(checkpoints, FileExisted: true, Problem: null, discoveredAt);
            }
            catch (JsonException e)
            {
                return SetAside($"is not valid JSON ({e.Message})");
            }
            catch (InvalidDataException e)
            {
                return SetAside(e.Message);
            }
        }
    }

    /// <summary>The checkpoints not updated for the expiry, each logged as expired (<c>CheckpointExpired</c>): the
    /// caller forgets them, so each is said once. Called before <see cref="Save"/>, whether or not the save then
    /// succeeds: a disk that stays full must not repeat the line every second.</summary>
    public List<Checkpoint> Expire(IEnumerable<Checkpoint> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        var now = time.GetUtcNow();
        var expired = checkpoints.Where(c => IsExpired(c, now)).ToList();
        foreach (var checkpoint in expired)
        {
            Log.Expired(logger, checkpoint.Path, checkpoint.Offset, checkpoint.UpdatedAt);
        }

        return expired;
    }

    /// <summary>Replaces the file with these checkpoints, less those not updated for the expiry (and, for one identity
    /// given twice, all but the latest). Returns how many were written. Throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> (disk full, read-only or unwritable state directory) with the old file
    /// intact: the caller logs it and tries again at the next save.</summary>
    public int Save(IEnumerable<Checkpoint> checkpoints, DateTimeOffset? discoveredAt = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        lock (_gate)
        {
            // Saying so is Expire's part: the caller expires its entries just before, and one that expired in between
            // is said at its next save.
            var now = time.GetUtcNow();
            var kept = CheckpointJson.LatestPerIdentity(checkpoints).Where(c => !IsExpired(c, now)).ToList();

            StateDirectory.ReplaceDurably(FilePath, stream =>
            {
                using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                CheckpointJson.Write(writer, kept, discoveredAt);
            });
            return kept.Count;
        }
    }

    /// <summary>Whether the bytes just before the checkpoint's offset are still those it was taken over. False when the
    /// file is now shorter than the offset or was truncated and written again past it: it is then read as new.</summary>
    public static bool TailMatches(Checkpoint checkpoint, SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Offset < 0 || checkpoint.TailLength != Checkpoint.TailLengthAt(checkpoint.Offset))
        {
            return false;
        }

        Span<byte> tail = stackalloc byte[Checkpoint.TailBytes];
        var read = FileIdentity.ReadAt(handle, tail[..checkpoint.TailLength], checkpoint.Offset - checkpoint.TailLength);
        return checkpoint.TailMatches(tail[..read]);
    }

    /// <summary>Whether reading the open file may resume at the checkpoint: it is the same file
    /// (<see cref="FileIdentity.Matches(FileIdentity, SafeFileHandle)"/>) and the bytes before the offset are unchanged.</summary>
    public static bool CanResume(Checkpoint checkpoint, SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return FileIdentity.Matches(checkpoint.Identity, handle) && TailMatches(checkpoint, handle);
    }

    private bool IsExpired(Checkpoint checkpoint, DateTimeOffset now) => now - checkpoint.UpdatedAt > expiry;

    private CheckpointLoad SetAside(string reason)
    {
        string problem;
        try
        {
            var aside = StateDirectory.SetAside(FilePath, time.GetUtcNow());
            problem = $"checkpoint file {FilePath} {reason}; it was set aside as {aside} and reading starts without checkpoints";
            Log.SetAside(logger, problem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"checkpoint file {FilePath} {reason}, and it could not be set aside ({e.Message}); reading starts without checkpoints and the next save replaces it";
            Log.NotSetAside(logger, problem);
        }

        return new CheckpointLoad([], FileExisted: true, problem);
    }

    private static partial class Log
    {
        [LoggerMessage(650, LogLevel.Information, "Loaded {Count} checkpoints from {Path}", EventName = "CheckpointsLoaded")]
        public static partial void Loaded(ILogger logger, int count, string path);

        [LoggerMessage(651, LogLevel.Error, "{Problem}", EventName = "CheckpointFileSetAside")]
        public static partial void SetAside(ILogger logger, string problem);

        [LoggerMessage(652, LogLevel.Error, "{Problem}", EventName = "CheckpointFileNotSetAside")]
        public static partial void NotSetAside(ILogger logger, string problem);

        [LoggerMessage(653, LogLevel.Information, "Checkpoint of {Path} at offset {Offset} expired: the file was last seen at {LastSeen:O}", EventName = "CheckpointExpired")]
        public static partial void Expired(ILogger logger, string path, long offset, DateTimeOffset lastSeen);
    }
}
