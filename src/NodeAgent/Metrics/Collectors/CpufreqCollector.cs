using System.Globalization;
using Microsoft.Extensions.Logging;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's cpufreq collector (collector/cpufreq_linux.go with prometheus/procfs' SystemCpufreq, 1.12): for
/// each CPU with a <c>cpufreq</c> directory that is not listed in <c>devices/system/cpu/offline</c>, the kHz
/// attributes × 1000 as <c>node_cpu_frequency{,_avg,_max,_min}_hertz</c> and
/// <c>node_cpu_scaling_frequency{,_max,_min}_hertz</c>, and <c>node_cpu_scaling_governor{cpu,governor}</c> (1 for the
/// active one of <c>scaling_available_governors</c>). A missing or unreadable numeric attribute (cpuinfo_cur_freq is
/// root-only) leaves its family out; an unparsable one, or a missing governor/driver attribute, fails the collector.
/// No CPU with cpufreq is "no data" (node_exporter reports success with nothing). With the cpu collector's
/// <c>Metrics:CpuInfo</c> on, <c>node_cpu_frequency_hertz</c> comes from /proc/cpuinfo there, with other labels and
/// help, and is left out here: node_exporter would serve two families of one name (a gather error that drops one of
/// them, whichever is collected second).
/// </summary>
internal sealed partial class CpufreqCollector(CollectorContext context, bool cpuInfoReportsFrequency) : INodeCollector
{
    // In family-name order, as node_exporter's registry prints them.
    private static readonly (string File, string Name, string Help, bool Scaling)[] Frequencies =
    [
        ("cpuinfo_avg_freq", "node_cpu_frequency_avg_hertz", "Average CPU thread frequency in hertz.", false),
        ("cpuinfo_cur_freq", "node_cpu_frequency_hertz", "Current CPU thread frequency in hertz.", false),
        ("cpuinfo_max_freq", "node_cpu_frequency_max_hertz", "Maximum CPU thread frequency in hertz.", false),
        ("cpuinfo_min_freq", "node_cpu_frequency_min_hertz", "Minimum CPU thread frequency in hertz.", false),
        ("scaling_cur_freq", "node_cpu_scaling_frequency_hertz", "Current scaled CPU thread frequency in hertz.", true),
        ("scaling_max_freq", "node_cpu_scaling_frequency_max_hertz", "Maximum scaled CPU thread frequency in hertz.", true),
        ("scaling_min_freq", "node_cpu_scaling_frequency_min_hertz", "Minimum scaled CPU thread frequency in hertz.", true),
    ];

    private readonly ILogger _logger = context.Logger<CpufreqCollector>();

    public CpufreqCollector(CollectorContext context)
        : this(context, cpuInfoReportsFrequency: false)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("cpufreq", true, (context, settings) => new CpufreqCollector(context, CpuOptions.InfoEnabled(settings) && settings.Collectors.GetValueOrDefault("cpu")));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var cpuDirectory = context.Paths.SysFile("devices/system/cpu");
        var offline = new HashSet<string>(StringComparer.Ordinal);
        if (KernelFile.ReadAll(Path.Join(cpuDirectory, "offline")) is { } offlineList)
        {
            if (!CpuList.TryParse(offlineList, out var cpus))
            {
                throw new InvalidDataException($"{Path.Join(cpuDirectory, "offline")}: not a CPU list");
            }

            offline.UnionWith(cpus.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        }

        var policies = new List<(string Cpu, ulong?[] Values, string Governor, string[] Governors)>();
        foreach (var name in KernelFile.Entries(cpuDirectory))
        {
            if (name.Length <= 3 || !name.StartsWith("cpu", StringComparison.Ordinal) || !char.IsAsciiDigit(name[3]) || offline.Contains(name[3..]))
            {
                continue;
            }

            var cpufreq = Path.Join(cpuDirectory, name, "cpufreq");
            if (!Directory.Exists(cpufreq))
            {
                continue;
            }

            cancellation.ThrowIfCancellationRequested();
            policies.Add(ReadPolicy(name[3..], cpufreq));
        }

        if (policies.Count == 0)
        {
            return CollectResult.NoData;
        }

        policies.Sort(static (a, b) => SampleOrder.Compare(a.Cpu, b.Cpu));
        for (var f = 0; f < Frequencies.Length; f++)
        {
            if (cpuInfoReportsFrequency && Frequencies[f].Name == "node_cpu_frequency_hertz")
            {
                continue;
            }

            writer.Family(Frequencies[f].Name, MetricType.Gauge, Frequencies[f].Help);
            foreach (var policy in policies)
            {
                if (policy.Values[f] is { } kilohertz)
                {
                    writer.Sample(kilohertz * 1000.0, "cpu", policy.Cpu);
                }
            }
        }

        writer.Family("node_cpu_scaling_governor", MetricType.Gauge, "Current enabled CPU frequency governor.");
        foreach (var policy in policies.Where(p => p.Governor.Length > 0))
        {
            foreach (var governor in policy.Governors.Order(SampleOrder.Values))
            {
                writer.Sample(governor == policy.Governor ? 1 : 0, "cpu", policy.Cpu, "governor", governor);
            }
        }

        return CollectResult.Success;
    }

    private (string Cpu, ulong?[] Values, string Governor, string[] Governors) ReadPolicy(string cpu, string directory)
    {
        var values = new ulong?[Frequencies.Length];
        for (var f = 0; f < Frequencies.Length; f++)
        {
            var path = Path.Join(directory, Frequencies[f].File);
            if (KernelFile.ReadTrimmed(path) is not { } text)
            {
                continue; // absent, or root-only (cpuinfo_cur_freq)
            }

            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new InvalidDataException($"{path}: not a frequency: \"{text}\"");
            }

            values[f] = value;
        }

        // procfs reads these string attributes unconditionally: any one missing fails the collector.
        string Required(string file) =>
            KernelFile.ReadTrimmed(Path.Join(directory, file)) ?? throw new InvalidDataException($"{Path.Join(directory, file)}: missing");

        var available = Required("scaling_available_governors");
        _ = Required("scaling_driver");
        var governor = Required("scaling_governor");
        _ = Required("related_cpus");
        _ = Required("scaling_setspeed");
        Log.Policy(_logger, cpu, governor);
        return (cpu, values, governor, available.Split(' '));
    }

    private static partial class Log
    {
        [LoggerMessage(210, LogLevel.Trace, "cpufreq: cpu {Cpu} governor {Governor}", EventName = "CpufreqPolicy")]
        public static partial void Policy(ILogger logger, string cpu, string governor);
    }
}
