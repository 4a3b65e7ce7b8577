using System.Collections.Concurrent;
using NodeAgent.Delivery;
using NodeAgent.Telemetry;

namespace NodeAgent.Tailing;

/// <summary>Counters of the log pipeline, read at scrape time. Written by the one reading loop; read by scrapes
/// (a torn read of a counter is one scrape off, never wrong for long).</summary>
internal sealed class TailStatistics
{
    /// <summary>A rotated file closed before its end for Logs:MaxOpenFiles.</summary>
    public const string LostMaxOpenFiles = "max_open_files";

    /// <summary>A file truncated in place (copytruncate) before it was read to its end.</summary>
    public const string LostTruncated = "truncated";

    private readonly LabeledCounter _lostBytes = new();
    private readonly LabeledCounter _refused = new();
    private readonly ConcurrentDictionary<LogFlags, long> _flagged = new();

    public long BytesRead { get; set; }

    public long LinesRead { get; private set; }

    public long FilesOpened { get; set; }

    public long Rotations { get; set; }

    public long Truncations { get; set; }

    public long BackpressurePauses { get; set; }

    /// <summary>Lines read and acknowledged unshipped because their pod, container or namespace opted out.</summary>
    public long LinesExcluded { get; set; }

    /// <summary>Bytes closed unread, by reason.</summary>
    public LabeledCounter Lost => _lostBytes;

    /// <summary>Files refused by <see cref="LogFileOpener"/>, by reason: once per path while it stays listed.</summary>
    public LabeledCounter Refused => _refused;

    public IReadOnlyDictionary<LogFlags, long> Flagged => _flagged;

    /// <summary>Every reason of loss is exposed from the start, at 0: a series that appears only with its first
    /// increase hides that increase from <c>increase()</c>, which the NodeAgentLogBytesLost alert uses.</summary>
    public TailStatistics()
    {
        _lostBytes.Add(LostMaxOpenFiles, 0);
        _lostBytes.Add(LostTruncated, 0);
    }

    public void Count(LogRecord record)
    {
        LinesRead++;
        if (record.Flags == LogFlags.None)
        {
            return;
        }

        foreach (var flag in Enum.GetValues<LogFlags>())
        {
            if (flag != LogFlags.None && record.Flags.HasFlag(flag))
            {
                _flagged.AddOrUpdate(flag, 1, (_, n) => n + 1);
            }
        }
    }

    public void LostBytes(string reason, long bytes) => _lostBytes.Add(reason, bytes);
}
