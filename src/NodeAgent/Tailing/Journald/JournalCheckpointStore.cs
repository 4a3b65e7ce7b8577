using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NodeAgent.Delivery;

namespace NodeAgent.Tailing.Journald;

/// <summary>What <see cref="JournalCheckpointStore.Load"/> found.</summary>
/// <param name="FileExisted">False on the journal's first start (no <c>journal.json</c>): the only case where
/// <c>Logs:ReadFromHead=false</c> starts files at their end. A file set aside counts as existing.</param>
/// <param name="Problem">Why the file could not be used and where it went; null when it was fine or absent.</param>
internal sealed record JournalCheckpointLoad(IReadOnlyList<JournalCheckpoint> Checkpoints, bool FileExisted, string? Problem);

/// <summary>
/// <c>journal.json</c> under <c>Logs:StatePath</c>, kept as <c>checkpoints.json</c> is (house rule 6): versioned JSON
/// (<see cref="JournalCheckpointJson"/>), replaced durably (<see cref="StateDirectory.ReplaceDurably"/>), private to
/// the agent. A file that cannot be used is set aside as <c>journal.json.corrupt-&lt;UTC time&gt;</c> and reported,
/// never fatal: the journal is then read from the start of its files again, and the entries keep their ids, so
/// Elasticsearch stores none twice. Entries not seen for the expiry (<c>Logs:CheckpointExpiry</c>) are dropped on save.
/// </summary>
internal sealed partial class JournalCheckpointStore(string statePath, TimeProvider time, TimeSpan expiry, ILogger logger)
{
    private readonly Lock _gate = new();

    public string FilePath { get; } = Path.Combine(statePath, StateDirectory.JournalCheckpointFileName);

    public TimeSpan Expiry => expiry;

    public JournalCheckpointLoad Load()
    {
        lock (_gate)
        {
            StateDirectory.Tighten(statePath, logger);
            if (!File.Exists(FilePath))
            {
                return new JournalCheckpointLoad([], FileExisted: false, Problem: null);
            }

            try
            {
                var checkpoints = JournalCheckpointJson.Parse(File.ReadAllBytes(FilePath));
                Log.Loaded(logger, checkpoints.Count, FilePath);
                return new JournalCheckpointLoad(checkpoints, FileExisted: true, Problem: null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return SetAside($"cannot be read ({e.Message})");
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

    /// <summary>The checkpoints not seen for the expiry, each logged once (the caller forgets them).</summary>
    public List<JournalCheckpoint> Expire(IEnumerable<JournalCheckpoint> checkpoints)
    {
        var now = time.GetUtcNow();
        var expired = checkpoints.Where(c => IsExpired(c, now)).ToList();
        foreach (var checkpoint in expired)
        {
            Log.Expired(logger, checkpoint.Path, checkpoint.Seqnum, checkpoint.LastSeen);
        }

        return expired;
    }

    /// <summary>Replaces the file with these checkpoints, less expired ones; returns how many were written. Throws
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> with the old file intact.</summary>
    public int Save(IEnumerable<JournalCheckpoint> checkpoints)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var kept = checkpoints.Where(c => !IsExpired(c, now)).ToList();
            StateDirectory.ReplaceDurably(FilePath, stream =>
            {
                using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                JournalCheckpointJson.Write(writer, kept);
            });
            return kept.Count;
        }
    }

    private bool IsExpired(JournalCheckpoint checkpoint, DateTimeOffset now) => now - checkpoint.LastSeen > expiry;

    private JournalCheckpointLoad SetAside(string reason)
    {
        string problem;
        try
        {
            var aside = StateDirectory.SetAside(FilePath, time.GetUtcNow());
            problem = $"journal checkpoint file {FilePath} {reason}; it was set aside as {aside} and the journal is read from the start of its files (entries keep their ids: none is stored twice)";
            Log.SetAside(logger, problem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"journal checkpoint file {FilePath} {reason}, and it could not be set aside ({e.Message}); the journal is read from the start of its files and the next save replaces it";
            Log.NotSetAside(logger, problem);
        }

        return new JournalCheckpointLoad([], FileExisted: true, problem);
    }

    private static partial class Log
    {
        [LoggerMessage(1100, LogLevel.Information, "Loaded {Count} journal checkpoints from {Path}", EventName = "JournalCheckpointsLoaded")]
        public static partial void Loaded(ILogger logger, int count, string path);

        [LoggerMessage(1101, LogLevel.Error, "{Problem}", EventName = "JournalCheckpointFileSetAside")]
        public static partial void SetAside(ILogger logger, string problem);

        [LoggerMessage(1102, LogLevel.Error, "{Problem}", EventName = "JournalCheckpointFileNotSetAside")]
        public static partial void NotSetAside(ILogger logger, string problem);

        [LoggerMessage(1103, LogLevel.Information, "Journal checkpoint of {Path} at seqnum {Seqnum} expired: the file was last seen at {LastSeen:O}", EventName = "JournalCheckpointExpired")]
        public static partial void Expired(ILogger logger, string path, ulong seqnum, DateTimeOffset lastSeen);
    }
}
