using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One <c>key:value</c> word of <c>/proc/drbd</c> and the device it belongs to.</summary>
internal readonly record struct DrbdField(string Device, string Key, string Value);

/// <summary>
/// <c>/proc/drbd</c> of DRBD 8 (drbd-8.4 documentation, "/proc/drbd"): a device line <c>N: cs:… ro:…/… ds:…/…</c>
/// followed by <c>ns:… nr:… dw:…</c> counters. Read as node_exporter's drbd collector reads it (drbd_linux.go): the file
/// is a sequence of whitespace-separated words; a word that is not exactly one <c>key:value</c> pair is skipped, and
/// <c>N:</c> (a number with an empty value) starts device <c>drbdN</c>. Words before the first device belong to
/// "unknown", as there. DRBD 9 prints only its version here, so it yields nothing.
/// </summary>
internal static class DrbdStatus
{
    public static List<DrbdField> Parse(ReadOnlySpan<byte> content)
    {
        var fields = new List<DrbdField>();
        var device = "unknown";
        var text = Encoding.UTF8.GetString(content);
        foreach (var word in text.Split((char[])[' ', '\t', '\n', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = word.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || word.IndexOf(':', colon + 1) >= 0)
            {
                continue;
            }

            var (key, value) = (word[..colon], word[(colon + 1)..]);
            if (value.Length == 0 && AsciiFields.TryParseUInt64(Encoding.ASCII.GetBytes(key), out var id))
            {
                device = $"drbd{id}";
                continue;
            }

            fields.Add(new DrbdField(device, key, value));
        }

        return fields;
    }
}
