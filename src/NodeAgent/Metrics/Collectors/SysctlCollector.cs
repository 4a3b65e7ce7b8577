using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's sysctl flags, both repeatable and empty by default: the sysctls reported as numbers
/// (<c>name</c>, or <c>name:key1,key2,…</c> to give each value of a multi-value sysctl a family of its own) and those
/// reported as <c>node_sysctl_info</c> labels.</summary>
internal sealed record SysctlOptions(IReadOnlyList<string> Include, IReadOnlyList<string> IncludeInfo)
{
    public static readonly CollectorOption<IReadOnlyList<string>> IncludeOption = new("Metrics:SysctlInclude", CollectorOptionKind.List, [],
        "sysctls reported as numbers, each `name` (e.g. `kernel.threads-max`) or `name:key1,key2,…` to name each value of a multi-value one (node_exporter's repeatable `--collector.sysctl.include`; an entry with keys needs the list form, as one plain value is split at commas)")
    {
        Check = CheckEntries,
    };

    public static readonly CollectorOption<IReadOnlyList<string>> IncludeInfoOption = new("Metrics:SysctlIncludeInfo", CollectorOptionKind.List, [],
        "sysctls reported as `node_sysctl_info{name,value,index}`, one series per value (node_exporter's repeatable `--collector.sysctl.include-info`)")
    {
        Check = CheckEntries,
    };

    public static IReadOnlyList<CollectorOption> Options { get; } = [IncludeOption, IncludeInfoOption];

    public static SysctlOptions Default { get; } = From(CollectorSettings.Defaults);

    public static SysctlOptions From(CollectorSettings settings) => new(settings.Get(IncludeOption), settings.Get(IncludeInfoOption));

    // node_exporter takes any text and panics at scrape time on a key that makes an invalid metric name: refused here.
    private static string? CheckEntries(IReadOnlyList<string> entries)
    {
        foreach (var entry in entries)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon == 0)
            {
                return $"'{entry}' names no sysctl";
            }

            if (colon > 0 && entry[(colon + 1)..].Split(',').FirstOrDefault(k => k.Length == 0 || k.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('_' or ':'))) is { } key)
            {
                return $"'{entry}': the key '{key}' is not a metric name suffix (letters, digits, _ and :)";
            }
        }

        return null;
    }
}

/// <summary>
/// node_exporter's sysctl collector (collector/sysctl_linux.go, 1.12; off by default): each configured sysctl read
/// from <c>/proc/sys/&lt;name with dots as slashes&gt;</c> and split on whitespace. A numeric one is
/// <c>node_sysctl_&lt;name&gt;</c> (untyped; invalid characters as node_exporter's SanitizeMetricName replaces them), with
/// an <c>index</c> label when it has several values, or one family per value named by its keys; an info one is
/// <c>node_sysctl_info{name,value,index}</c>. A missing sysctl, a value that is not an integer, or keys that do not
/// match the values in number fail the collector, as in node_exporter. One difference: the whole file is read, where
/// node_exporter reads its first 128 bytes and so cuts longer values (<c>net.ipv4.ip_local_reserved_ports</c>).
/// </summary>
internal sealed class SysctlCollector(CollectorContext context, SysctlOptions options) : INodeCollector
{
    private readonly Sysctl[] _sysctls =
        [.. options.Include.Select(e => Sysctl.Parse(e, numeric: true)), .. options.IncludeInfo.Select(e => Sysctl.Parse(e, numeric: false))];

    public SysctlCollector(CollectorContext context)
        : this(context, SysctlOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("sysctl", false, SysctlOptions.Options, (context, settings) => new SysctlCollector(context, SysctlOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var families = new SortedFamilies();
        foreach (var sysctl in _sysctls)
        {
            var path = context.Paths.ProcFile("sys/" + sysctl.Name.Replace('.', '/'));
            var content = KernelFile.ReadAll(path) ?? throw new InvalidDataException($"sysctl {sysctl.Name}: {path} missing or unreadable");
            var values = new List<string>();
            ReadOnlySpan<byte> rest = content;
            while (AsciiFields.NextField(ref rest, out var field))
            {
                values.Add(Encoding.UTF8.GetString(field));
            }

            Add(families, sysctl, values);
        }

        families.WriteTo(writer);
        return CollectResult.Success;
    }

    private static void Add(SortedFamilies families, Sysctl sysctl, List<string> values)
    {
        if (values.Count == 0)
        {
            throw new InvalidDataException($"sysctl {sysctl.Name} has no values");
        }

        if (!sysctl.Numeric)
        {
            if (values.Count > 1 && sysctl.Keys.Length > 0)
            {
                throw new InvalidDataException($"sysctl {sysctl.Name}: keys are for numeric sysctls, not info ones");
            }

            if (values.Count == 1 && sysctl.Keys.Length > 0)
            {
                throw new InvalidDataException($"sysctl {sysctl.Name} has only one value, but keys {string.Join(',', sysctl.Keys)} are given");
            }

            for (var i = 0; i < values.Count; i++)
            {
                families.Add("node_sysctl_info", MetricType.Gauge, "sysctl info", 1, "index", IndexLabels.Texts(values.Count)[i], "name", sysctl.Name, "value", values[i]);
            }

            return;
        }

        var numbers = values.Select((v, i) => TryParseInteger(v, out var n) ? n
            : throw new InvalidDataException($"sysctl {sysctl.Name}: value {i} '{v}' is not an integer")).ToArray();
        if (numbers.Length == 1)
        {
            if (sysctl.Keys.Length > 0)
            {
                throw new InvalidDataException($"sysctl {sysctl.Name} has only one value, but keys {string.Join(',', sysctl.Keys)} are given");
            }

            families.Add(sysctl.MetricName, MetricType.Untyped, $"sysctl {sysctl.Name}", numbers[0]);
        }
        else if (sysctl.Keys.Length == 0)
        {
            for (var i = 0; i < numbers.Length; i++)
            {
                families.Add(sysctl.MetricName, MetricType.Untyped, $"sysctl {sysctl.Name}", numbers[i], "index", IndexLabels.Texts(numbers.Length)[i]);
            }
        }
        else if (sysctl.Keys.Length != numbers.Length)
        {
            throw new InvalidDataException($"sysctl {sysctl.Name} has {numbers.Length} values but {sysctl.Keys.Length} keys");
        }
        else
        {
            for (var i = 0; i < numbers.Length; i++)
            {
                families.Add($"{sysctl.MetricName}_{sysctl.Keys[i]}", MetricType.Untyped, $"sysctl {sysctl.Name}, field {i}", numbers[i]);
            }
        }
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 0, 64)</c>, which procfs reads sysctls with: an optional sign, then
    /// decimal, or hexadecimal after <c>0x</c>, binary after <c>0b</c>, octal after <c>0o</c> or a leading <c>0</c>
    /// (underscores between digits, which Go also accepts there, are not).</summary>
    internal static bool TryParseInteger(string text, out long value)
    {
        value = 0;
        var negative = text.StartsWith('-');
        var digits = text.AsSpan(text.StartsWith('-') || text.StartsWith('+') ? 1 : 0);
        var radix = digits switch
        {
            ['0', 'x' or 'X', ..] => 16,
            ['0', 'b' or 'B', ..] => 2,
            ['0', 'o' or 'O', ..] => 8,
            ['0', _, ..] => 8,
            _ => 10,
        };
        var body = radix == 10 ? digits : digits[(char.IsAsciiDigit(digits[1]) ? 1 : 2)..];
        if (body.IsEmpty)
        {
            return false;
        }

        ulong magnitude = 0;
        foreach (var c in body)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : c is >= 'A' and <= 'Z' ? c - 'A' + 10 : int.MaxValue;
            if (digit >= radix || magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                return false;
            }

            magnitude = (magnitude * (ulong)radix) + (ulong)digit;
        }

        if (magnitude > (negative ? 1UL << 63 : long.MaxValue))
        {
            return false;
        }

        value = negative ? unchecked((long)(0UL - magnitude)) : (long)magnitude;
        return true;
    }

    /// <summary>One configured entry: <c>name</c> or <c>name:key1,key2,…</c>.</summary>
    private sealed record Sysctl(bool Numeric, string Name, string[] Keys, string MetricName)
    {
        public static Sysctl Parse(string entry, bool numeric)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? entry : entry[..colon];
            string[] keys = colon < 0 ? [] : entry[(colon + 1)..].Split(',');
            return new Sysctl(numeric, name, keys, "node_sysctl_" + Sanitize(name));
        }

        // node_exporter's SanitizeMetricName, the regular expression _*[^0-9A-Za-z_]+_* replaced by _, leftmost first:
        // each run of other characters, with the underscores around it, becomes one _ ("fs.file-nr" is "fs_file_nr").
        private static string Sanitize(string name)
        {
            var text = new StringBuilder(name.Length);
            for (var i = 0; i < name.Length;)
            {
                var run = i;
                while (run < name.Length && name[run] == '_')
                {
                    run++;
                }

                if (run == name.Length || IsValid(name[run]))
                {
                    text.Append(name[i++]);
                    continue;
                }

                while (run < name.Length && !IsValid(name[run]))
                {
                    run++;
                }

                while (run < name.Length && name[run] == '_')
                {
                    run++;
                }

                text.Append('_');
                i = run;
            }

            return text.ToString();
        }

        private static bool IsValid(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
    }
}
