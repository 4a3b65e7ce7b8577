using System.Text.RegularExpressions;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's <c>--collector.vmstat.fields</c>: the /proc/vmstat fields to export, default
/// <c>^(oom_kill|pgpg|pswp|pg.*fault).*</c> (unchanged from 1.x to 1.12).</summary>
internal sealed partial record VmstatOptions(Regex Fields)
{
    public static readonly CollectorOption<Regex?> FieldsOption = CollectorOptions.Regex("Metrics:VmstatFields", DefaultFields(),
        "/proc/vmstat fields that vmstat reports", defaultText: CollectorOptions.NodeExporterDefault);

    public static VmstatOptions Default { get; } = From(CollectorSettings.Defaults);

    public static VmstatOptions From(CollectorSettings settings) => new(settings.Get(FieldsOption)!);

    [GeneratedRegex("^(oom_kill|pgpg|pswp|pg.*fault).*", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultFields();
}

/// <summary>
/// node_exporter's vmstat collector (collector/vmstat_linux.go): each /proc/vmstat field matching the filter as
/// <c>node_vmstat_&lt;field&gt;</c>, untyped (the file mixes counters and gauges and says not which), HELP
/// "/proc/vmstat information field &lt;field&gt;.".
/// </summary>
internal sealed class VmstatCollector(CollectorContext context, VmstatOptions options) : INodeCollector
{
    // Field names are fixed for a kernel: match each against the filter once, not on every scrape.
    private readonly Dictionary<string, bool> _matches = new(StringComparer.Ordinal);

    public VmstatCollector(CollectorContext context)
        : this(context, VmstatOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("vmstat", true, [VmstatOptions.FieldsOption], (context, settings) => new VmstatCollector(context, VmstatOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("vmstat");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        if (!VmStat.TryParse(content, out var lines, out var bad))
        {
            throw new InvalidDataException($"{path}: malformed line \"{bad}\"");
        }

        var selected = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (!_matches.TryGetValue(line.Name, out var keep))
            {
                keep = options.Fields.IsMatch(line.Name);
                _matches[line.Name] = keep;
            }

            if (keep)
            {
                selected[line.Name] = line.Value;
            }
        }

        foreach (var (name, value) in selected)
        {
            writer.Family("node_vmstat_" + name, MetricType.Untyped, $"/proc/vmstat information field {name}.");
            writer.Sample(value);
        }

        return CollectResult.Success;
    }
}
