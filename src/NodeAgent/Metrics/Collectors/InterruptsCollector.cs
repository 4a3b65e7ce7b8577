using System.Text.RegularExpressions;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's interrupts flags: a name filter matched against <c>&lt;type&gt;;&lt;info&gt;;&lt;devices&gt;</c>
/// (unanchored, include or exclude, not both) and whether counts of zero are reported.</summary>
internal sealed record InterruptsOptions(Regex? NameInclude, Regex? NameExclude, bool IncludeZeros)
{
    public static readonly CollectorOption<Regex?> NameIncludeOption = CollectorOptions.Regex(
        "Metrics:InterruptsNameInclude", null, "if set, the only interrupts reported, matched against `<type>;<info>;<devices>` (e.g. `LOC;Local timer interrupts;`)");

    public static readonly CollectorOption<Regex?> NameExcludeOption = CollectorOptions.Regex(
        "Metrics:InterruptsNameExclude", null, "interrupts skipped, matched against `<type>;<info>;<devices>` (not together with the include)", exclusiveWith: NameIncludeOption);

    public static readonly CollectorOption<bool> IncludeZerosOption = CollectorOptions.Bool(
        "Metrics:InterruptsIncludeZeros", true, "report interrupt counts that are zero (`false` leaves them out)");

    public static IReadOnlyList<CollectorOption> Options { get; } = [NameIncludeOption, NameExcludeOption, IncludeZerosOption];

    public static InterruptsOptions Default { get; } = From(CollectorSettings.Defaults);

    public static InterruptsOptions From(CollectorSettings settings) =>
        new(settings.Get(NameIncludeOption), settings.Get(NameExcludeOption), settings.Get(IncludeZerosOption));

    /// <summary>node_exporter's deviceFilter over the interrupt's filter name.</summary>
    public bool Skips(Interrupt interrupt)
    {
        if (NameInclude is null && NameExclude is null)
        {
            return false;
        }

        var name = $"{interrupt.Name};{interrupt.Info};{interrupt.Devices}";
        return NameExclude?.IsMatch(name) == true || (NameInclude is { } include && !include.IsMatch(name));
    }
}

/// <summary>
/// node_exporter's interrupts collector (collector/interrupts_linux.go, 1.12; off by default): every line of
/// <c>/proc/interrupts</c> on every CPU as <c>node_interrupts_total{cpu,type,info,devices}</c>, <c>type</c> being the
/// interrupt's name (see <see cref="Interrupts"/> for how the description is split). No file is "no data".
/// </summary>
internal sealed class InterruptsCollector(CollectorContext context, InterruptsOptions options) : INodeCollector
{
    public InterruptsCollector(CollectorContext context)
        : this(context, InterruptsOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("interrupts", false, InterruptsOptions.Options, (context, settings) => new InterruptsCollector(context, InterruptsOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var path = context.Paths.ProcFile("interrupts");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return CollectResult.NoData;
        }

        List<Interrupt> interrupts;
        int cpus;
        try
        {
            interrupts = Interrupts.Parse(content, out cpus);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        interrupts.RemoveAll(options.Skips);
        // client_golang's order: cpu (as a string), then devices, info, type.
        interrupts.Sort(static (a, b) => SampleOrder.Compare((a.Devices, a.Info, a.Name), (b.Devices, b.Info, b.Name)));
        var labels = IndexLabels.Texts(cpus);
        writer.Family("node_interrupts_total", MetricType.Counter, "Interrupt details.");
        foreach (var cpu in IndexLabels.InLabelOrder(cpus))
        {
            foreach (var interrupt in interrupts)
            {
                var count = interrupt.Counts[cpu];
                if (count != 0 || options.IncludeZeros)
                {
                    writer.Sample(count, "cpu", labels[cpu], "devices", interrupt.Devices, "info", interrupt.Info, "type", interrupt.Name);
                }
            }
        }

        return CollectResult.Success;
    }
}
