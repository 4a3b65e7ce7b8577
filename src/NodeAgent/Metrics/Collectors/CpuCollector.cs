using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using NodeAgent.Procfs;
using NodeAgent.Sysfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's cpu collector flags. <see cref="Guest"/> is <c>--collector.cpu.guest</c> (default on);
/// <see cref="Info"/> is <c>--collector.cpu.info</c> (off), turned on as in node_exporter by either of
/// <c>--collector.cpu.info.flags-include</c> / <c>bugs-include</c>, which pick the first processor's flags and bugs
/// reported (none without a pattern). <see cref="CpufreqEnabled"/> is whether the cpufreq collector is on: only then
/// is the /proc/cpuinfo frequency reported.
/// </summary>
internal sealed record CpuOptions(bool Guest, bool Info, Regex? FlagsInclude, Regex? BugsInclude, bool CpufreqEnabled)
{
    public static readonly CollectorOption<bool> GuestOption = CollectorOptions.Bool(
        "Metrics:CpuGuest", true, "report `node_cpu_guest_seconds_total`");

    public static readonly CollectorOption<bool> InfoOption = CollectorOptions.Bool(
        "Metrics:CpuInfo", false, "report `node_cpu_info` from /proc/cpuinfo (and, with cpufreq on, `node_cpu_frequency_hertz` from it instead of sysfs)");

    public static readonly CollectorOption<Regex?> InfoFlagsIncludeOption = CollectorOptions.Regex(
        "Metrics:CpuInfoFlagsInclude", null, "the first CPU's /proc/cpuinfo flags reported as `node_cpu_flag_info` (setting it turns `Metrics:CpuInfo` on)");

    public static readonly CollectorOption<Regex?> InfoBugsIncludeOption = CollectorOptions.Regex(
        "Metrics:CpuInfoBugsInclude", null, "the first CPU's /proc/cpuinfo bugs reported as `node_cpu_bug_info` (setting it turns `Metrics:CpuInfo` on)");

    public static CpuOptions Default { get; } = From(CollectorSettings.Defaults);

    public static CpuOptions From(CollectorSettings settings)
    {
        var flags = Pattern(settings.Get(InfoFlagsIncludeOption));
        var bugs = Pattern(settings.Get(InfoBugsIncludeOption));
        return new(settings.Get(GuestOption), InfoEnabled(settings), flags, bugs, settings.Collectors.GetValueOrDefault("cpufreq"));
    }

    /// <summary>Whether the cpu collector reports /proc/cpuinfo: <c>Metrics:CpuInfo</c>, or an include pattern set.</summary>
    public static bool InfoEnabled(CollectorSettings settings) =>
        settings.Get(InfoOption) || Pattern(settings.Get(InfoFlagsIncludeOption)) is not null || Pattern(settings.Get(InfoBugsIncludeOption)) is not null;

    // node_exporter treats an empty pattern as no pattern.
    private static Regex? Pattern(Regex? regex) => regex is null || regex.ToString().Length == 0 ? null : regex;
}

/// <summary>
/// node_exporter's cpu collector (collector/cpu_linux.go, 1.9–1.12) with its default flags:
/// <c>node_cpu_seconds_total{cpu,mode}</c> and <c>node_cpu_guest_seconds_total{cpu,mode}</c> from <c>/proc/stat</c>
/// (kept monotonic by <see cref="CpuTimeCache"/>), and from sysfs <c>node_cpu_isolated{cpu}</c>,
/// <c>node_cpu_core_throttles_total{core,package}</c>, <c>node_cpu_package_throttles_total{package}</c> and
/// <c>node_cpu_online{cpu}</c> where the files exist; with <see cref="CpuOptions.Info"/>, the /proc/cpuinfo families
/// (<see cref="CpuInfoFamilies"/>).
/// <para>
/// Guest time: the kernel adds guest time to <c>user</c> (and guest_nice to <c>nice</c>) as well as to the guest
/// columns (kernel/sched/cputime.c, account_guest_time). node_exporter exports user/nice as they are and guest only
/// as the separate family, so summing <c>node_cpu_seconds_total</c> over its modes counts guest time once; adding
/// <c>node_cpu_guest_seconds_total</c> to that sum would count it twice.
/// </para>
/// </summary>
internal sealed partial class CpuCollector(CollectorContext context, CpuOptions options) : INodeCollector
{
    private readonly ILogger _logger = context.Logger<CpuCollector>();
    private readonly CpuTimeCache _times = new(context.Logger<CpuTimeCache>());

    public CpuCollector(CollectorContext context)
        : this(context, CpuOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } = new(
        "cpu", true, [CpuOptions.GuestOption, CpuOptions.InfoOption, CpuOptions.InfoFlagsIncludeOption, CpuOptions.InfoBugsIncludeOption],
        (context, settings) => new CpuCollector(context, CpuOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        if (ProcStatFile.Read(context.Paths) is not { } stat)
        {
            return CollectResult.NoData;
        }

        var times = _times.Update(stat.Cpus);
        times = [.. times.OrderBy(t => t.Cpu.ToString(CultureInfo.InvariantCulture), SampleOrder.Values)];
        var cpuDirectory = context.Paths.SysFile("devices/system/cpu");
        var cpuNames = CpuDirectories(cpuDirectory);
        var info = options.Info ? ReadCpuInfo() : null;

        // Families in name order, as node_exporter's registry prints them.
        if (info is not null)
        {
            CpuInfoFamilies.WriteFieldInfo(writer, "node_cpu_bug_info", "bug", "bugs", info, options.BugsInclude);
        }

        WriteThrottles(writer, cpuDirectory, cpuNames, out var packageThrottles);
        if (info is not null)
        {
            CpuInfoFamilies.WriteFieldInfo(writer, "node_cpu_flag_info", "flag", "flags", info, options.FlagsInclude);
            if (options.CpufreqEnabled)
            {
                CpuInfoFamilies.WriteFrequency(writer, info);
            }
        }

        if (options.Guest)
        {
            writer.Family("node_cpu_guest_seconds_total", MetricType.Counter, "Seconds the CPUs spent in guests (VMs) for each mode.");
            foreach (var (cpu, s) in times)
            {
                var label = cpu.ToString(CultureInfo.InvariantCulture);
                writer.Sample(s.GuestNice, "cpu", label, "mode", "nice");
                writer.Sample(s.Guest, "cpu", label, "mode", "user");
            }
        }

        if (info is not null)
        {
            CpuInfoFamilies.WriteInfo(writer, info);
        }

        WriteIsolated(writer, Path.Join(cpuDirectory, "isolated"));
        WriteOnline(writer, cpuDirectory, cpuNames);
        writer.Family("node_cpu_package_throttles_total", MetricType.Counter, "Number of times this CPU package has been throttled.");
        foreach (var (package, count) in packageThrottles)
        {
            writer.Sample(count, "package", package);
        }

        writer.Family("node_cpu_seconds_total", MetricType.Counter, "Seconds the CPUs spent in each mode.");
        foreach (var (cpu, s) in times)
        {
            var label = cpu.ToString(CultureInfo.InvariantCulture);
            writer.Sample(s.Idle, "cpu", label, "mode", "idle");
            writer.Sample(s.Iowait, "cpu", label, "mode", "iowait");
            writer.Sample(s.Irq, "cpu", label, "mode", "irq");
            writer.Sample(s.Nice, "cpu", label, "mode", "nice");
            writer.Sample(s.SoftIrq, "cpu", label, "mode", "softirq");
            writer.Sample(s.Steal, "cpu", label, "mode", "steal");
            writer.Sample(s.System, "cpu", label, "mode", "system");
            writer.Sample(s.User, "cpu", label, "mode", "user");
        }

        return CollectResult.Success;
    }

    private List<CpuInfoEntry> ReadCpuInfo()
    {
        var path = context.Paths.ProcFile("cpuinfo");
        var content = KernelFile.ReadAll(path) ?? throw new InvalidDataException($"{path}: unreadable");
        try
        {
            return CpuInfo.Parse(content);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary><c>cpu[0-9]*</c> under the sysfs cpu directory, in Go's glob order (bytewise).</summary>
    private static List<string> CpuDirectories(string cpuDirectory) =>
        [.. KernelFile.Entries(cpuDirectory).Where(n => n.Length > 3 && n.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(n[3]))];

    /// <summary>
    /// thermal_throttle counts (Documentation/arch/x86/topology.rst): CPUs without a readable topology are skipped;
    /// each (package, core) pair's core count and each package's count is read once, from the first CPU in glob order
    /// that has it. Core counts are written here; package counts are returned for their later family.
    /// </summary>
    private void WriteThrottles(MetricWriter writer, string cpuDirectory, List<string> cpuNames, out List<(string Package, double Count)> packages)
    {
        var cores = new Dictionary<(ulong Package, ulong Core), ulong>();
        var packageCounts = new Dictionary<ulong, ulong>();
        foreach (var name in cpuNames)
        {
            var cpu = Path.Join(cpuDirectory, name);
            if (KernelFile.ReadUInt64(Path.Join(cpu, "topology", "physical_package_id")) is not { } package
                || KernelFile.ReadUInt64(Path.Join(cpu, "topology", "core_id")) is not { } core)
            {
                Log.MissingTopology(_logger, name);
                continue;
            }

            if (!cores.ContainsKey((package, core)) && KernelFile.ReadUInt64(Path.Join(cpu, "thermal_throttle", "core_throttle_count")) is { } coreCount)
            {
                cores[(package, core)] = coreCount;
            }

            if (!packageCounts.ContainsKey(package) && KernelFile.ReadUInt64(Path.Join(cpu, "thermal_throttle", "package_throttle_count")) is { } packageCount)
            {
                packageCounts[package] = packageCount;
            }
        }

        writer.Family("node_cpu_core_throttles_total", MetricType.Counter, "Number of times this CPU core has been throttled.");
        foreach (var ((package, core), count) in cores
            .OrderBy(c => Text(c.Key.Core), SampleOrder.Values).ThenBy(c => Text(c.Key.Package), SampleOrder.Values))
        {
            writer.Sample(count, "core", Text(core), "package", Text(package));
        }

        packages = [.. packageCounts.Select(p => (Text(p.Key), (double)p.Value)).OrderBy(p => p.Item1, SampleOrder.Values)];
    }

    /// <summary>One sample per CPU listed in <c>isolated</c> (the isolcpus= boot parameter); nothing when the file is
    /// absent or empty.</summary>
    private static void WriteIsolated(MetricWriter writer, string path)
    {
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return;
        }

        if (!CpuList.TryParse(content, out var cpus))
        {
            throw new InvalidDataException($"{path}: not a CPU list: \"{System.Text.Encoding.UTF8.GetString(content).Trim()}\"");
        }

        writer.Family("node_cpu_isolated", MetricType.Gauge, "Whether each core is isolated, information from /sys/devices/system/cpu/isolated.");
        foreach (var cpu in cpus.Select(c => c.ToString(CultureInfo.InvariantCulture)).Distinct().Order(SampleOrder.Values))
        {
            writer.Sample(1, "cpu", cpu);
        }
    }

    /// <summary>
    /// <c>cpuN/online</c> for every CPU, 1 when it reads "1". As in node_exporter, nothing is written when the first
    /// CPU has no <c>online</c> file (CPU hotplug unsupported, or cpu0 not hot-pluggable); other CPUs without a
    /// readable file count as offline.
    /// </summary>
    private static void WriteOnline(MetricWriter writer, string cpuDirectory, List<string> cpuNames)
    {
        if (cpuNames.Count == 0 || !File.Exists(Path.Join(cpuDirectory, cpuNames[0], "online")))
        {
            return;
        }

        writer.Family("node_cpu_online", MetricType.Gauge, "CPUs that are online and being scheduled.");
        foreach (var name in cpuNames)
        {
            var online = KernelFile.ReadTrimmed(Path.Join(cpuDirectory, name, "online")) == "1";
            writer.Sample(online ? 1 : 0, "cpu", name[3..]);
        }
    }

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(203, LogLevel.Debug, "CPU {Cpu} is missing topology/physical_package_id or topology/core_id", EventName = "CpuMissingTopology")]
        public static partial void MissingTopology(ILogger logger, string cpu);
    }
}
