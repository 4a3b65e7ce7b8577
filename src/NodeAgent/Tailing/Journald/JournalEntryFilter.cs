using System.Text;
using NodeAgent.Journal;

namespace NodeAgent.Tailing.Journald;

/// <summary>
/// Which entries are shipped. <c>Journal:Units</c> narrows them as <c>journalctl -u</c> does (systemd's
/// add_matches_for_unit): the unit's own entries (<c>_SYSTEMD_UNIT</c>), what PID 1 logs about it (<c>_PID=1</c> with
/// <c>UNIT</c>: "Started kubelet.service", "kubelet.service: Main process exited"), and what root daemons log about it
/// (<c>_UID=0</c> with <c>OBJECT_SYSTEMD_UNIT</c> or <c>COREDUMP_UNIT</c>: its core dumps). A name without a dot also
/// names <c>&lt;name&gt;.service</c>, as journalctl reads <c>-u kubelet</c>. Empty: every entry.
/// <para>
/// With the console output, the agent's own entries are left out too (<see cref="JournalOptions.SkipOwnEntries"/>):
/// under systemd its stdout goes to the journal, and journald stamps each entry of a service's processes with the
/// service's invocation id (<c>_SYSTEMD_INVOCATION_ID</c>), which systemd also gives the service as
/// <c>$INVOCATION_ID</c>. Not by process ID: in a pod the agent's PID is its own namespace's (often 1), and the host's
/// entries of that PID are systemd's.
/// </para>
/// </summary>
internal sealed class JournalEntryFilter
{
    private readonly byte[][] _units;
    private readonly byte[]? _ownInvocation;

    /// <param name="ownInvocationId">The agent's systemd invocation id, when its own entries are to be left out.</param>
    public JournalEntryFilter(IReadOnlyList<string> units, string? ownInvocationId = null)
    {
        _units = [.. units
            .Where(u => !string.IsNullOrWhiteSpace(u))
            .Select(u => u.Trim())
            .SelectMany(u => u.Contains('.', StringComparison.Ordinal) ? [u] : new[] { u, u + ".service" })
            .Distinct(StringComparer.Ordinal)
            .Select(Encoding.UTF8.GetBytes)];
        if (!string.IsNullOrWhiteSpace(ownInvocationId))
        {
            _ownInvocation = Encoding.ASCII.GetBytes(ownInvocationId.Trim());
        }
    }

    /// <summary>No filter at all: every entry is shipped.</summary>
    public bool PassesAll => _units.Length == 0 && _ownInvocation is null;

    public bool Wants(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_ownInvocation is not null && Is(entry, "_SYSTEMD_INVOCATION_ID", _ownInvocation))
        {
            return false;
        }

        return _units.Length == 0
            || Names(entry, "_SYSTEMD_UNIT")
            || (Is(entry, "_PID", "1"u8) && Names(entry, "UNIT"))
            || (Is(entry, "_UID", "0"u8) && (Names(entry, "OBJECT_SYSTEMD_UNIT") || Names(entry, "COREDUMP_UNIT")));
    }

    /// <summary>The field's first value is one of the units.</summary>
    private bool Names(JournalEntry entry, string field)
    {
        if (!entry.TryGetValue(field, out var value))
        {
            return false;
        }

        foreach (var unit in _units)
        {
            if (value.Span.SequenceEqual(unit))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Is(JournalEntry entry, string field, ReadOnlySpan<byte> expected) =>
        entry.TryGetValue(field, out var value) && value.Span.SequenceEqual(expected);
}
