using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One line of <c>/proc/interrupts</c>: its name (<c>0</c>, <c>NMI</c>, <c>IPI0</c>), the description columns
/// split as node_exporter splits them, and the count on each CPU.</summary>
internal sealed record Interrupt(string Name, string Info, string Devices, double[] Counts);

/// <summary>
/// <c>/proc/interrupts</c> (proc(5)) as node_exporter's <c>parseInterrupts</c> reads it (collector/interrupts_linux.go,
/// 1.12): the header's fields give the number of CPUs; each following line is split at its first colon (on arm64
/// there may be no space after it), the name is what precedes it without leading spaces, and the rest is split on
/// whitespace: one count per CPU, then the description. A numbered interrupt's first description field is its
/// <c>info</c> (the chip and trigger) and the others, joined by one space, its <c>devices</c>; a named one's whole
/// description is its <c>info</c>. Lines with too few fields (<c>ERR</c>, <c>MIS</c>) are skipped; a name seen twice
/// keeps its last line, as node_exporter's map does.
/// </summary>
internal static class Interrupts
{
    public static List<Interrupt> Parse(ReadOnlySpan<byte> content, out int cpus)
    {
        var rest = content;
        if (!AsciiFields.NextLine(ref rest, out var header))
        {
            throw new InvalidDataException("interrupts is empty");
        }

        cpus = AsciiFields.Split(header, []);
        var interrupts = new List<Interrupt>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var description = new List<string>();
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var fields = line[(colon + 1)..];
            if (AsciiFields.Split(fields, []) < cpus + 1)
            {
                continue;
            }

            var counts = new double[cpus];
            for (var cpu = 0; cpu < cpus; cpu++)
            {
                AsciiFields.NextField(ref fields, out var count);
                if (AsciiFields.TryParseUInt64(count, out var whole))
                {
                    counts[cpu] = whole;
                }
                else if (!AsciiFields.TryParseFloat(count, out counts[cpu]))
                {
                    throw new InvalidDataException($"interrupts count is not a number: '{Encoding.ASCII.GetString(line)}'");
                }
            }

            description.Clear();
            while (AsciiFields.NextField(ref fields, out var word))
            {
                description.Add(Encoding.UTF8.GetString(word));
            }

            var name = Encoding.UTF8.GetString(line[..colon].TrimStart((byte)' '));
            var interrupt = IsInteger(name)
                ? new Interrupt(name, description[0], string.Join(' ', description.Skip(1)), counts)
                : new Interrupt(name, string.Join(' ', description), "", counts);
            if (byName.TryGetValue(name, out var seen))
            {
                interrupts[seen] = interrupt;
            }
            else
            {
                byName[name] = interrupts.Count;
                interrupts.Add(interrupt);
            }
        }

        return interrupts;
    }

    // Go's strconv.Atoi succeeding: an optional sign and decimal digits.
    private static bool IsInteger(string name)
    {
        var digits = name.AsSpan(name.StartsWith('+') || name.StartsWith('-') ? 1 : 0);
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }
}
