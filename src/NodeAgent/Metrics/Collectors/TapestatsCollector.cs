using System.Globalization;
using System.Text.RegularExpressions;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>node_exporter's <c>--collector.tapestats.ignored-devices</c> (default <c>^$</c>: none).</summary>
internal sealed partial record TapestatsOptions(Regex? IgnoredDevices)
{
    public static readonly CollectorOption<Regex?> IgnoredDevicesOption = CollectorOptions.Regex(
        "Metrics:TapestatsIgnoredDevices", NothingIgnored(), "tape devices tapestats skips");

    public static TapestatsOptions Default { get; } = From(CollectorSettings.Defaults);

    public static TapestatsOptions From(CollectorSettings settings) => new(settings.Get(IgnoredDevicesOption));

    [GeneratedRegex("^$", RegexOptions.CultureInvariant)]
    private static partial Regex NothingIgnored();
}

/// <summary>
/// node_exporter's tapestats collector (collector/tapestats_linux.go): the statistics of SCSI tape drives,
/// <c>/sys/class/scsi_tape/st&lt;N&gt;/stats/</c> (Documentation/scsi/st.rst, "Sysfs and statistics"). Only the
/// plain <c>stN</c> nodes are read; <c>nstN</c> and the mode variants (<c>stNa</c>, <c>stNl</c>, ...) are the same drive.
/// </summary>
internal sealed partial class TapestatsCollector(CollectorContext context, TapestatsOptions options) : INodeCollector
{
    // The stats files, their families and help, in family-name order; times are nanoseconds.
    private static readonly (string File, string Name, MetricType Type, double Scale, string Help)[] Families =
    [
        ("in_flight", "node_tape_io_now", MetricType.Gauge, 1, "The number of I/Os currently outstanding to this device."),
        ("other_cnt", "node_tape_io_others_total", MetricType.Counter, 1,
            "The number of I/Os issued to the tape drive other than read or write commands. The time taken to complete these commands uses the following calculation io_time_seconds_total-read_time_seconds_total-write_time_seconds_total"),
        ("io_ns", "node_tape_io_time_seconds_total", MetricType.Counter, 0.000000001,
            "The amount of time spent waiting for all I/O to complete (including read and write). This includes tape movement commands such as seeking between file or set marks and implicit tape movement such as when rewind on close tape devices are used."),
        ("read_byte_cnt", "node_tape_read_bytes_total", MetricType.Counter, 1, "The number of bytes read from the tape drive."),
        ("read_ns", "node_tape_read_time_seconds_total", MetricType.Counter, 0.000000001, "The amount of time spent waiting for read requests to complete."),
        ("read_cnt", "node_tape_reads_completed_total", MetricType.Counter, 1, "The number of read requests issued to the tape drive."),
        ("resid_cnt", "node_tape_residual_total", MetricType.Counter, 1,
            "The number of times during a read or write we found the residual amount to be non-zero. This should mean that a program is issuing a read larger thean the block size on tape. For write not all data made it to tape."),
        ("write_ns", "node_tape_write_time_seconds_total", MetricType.Counter, 0.000000001, "The amount of time spent waiting for write requests to complete."),
        ("write_cnt", "node_tape_writes_completed_total", MetricType.Counter, 1, "The number of write requests issued to the tape drive."),
        ("write_byte_cnt", "node_tape_written_bytes_total", MetricType.Counter, 1, "The number of bytes written to the tape drive."),
    ];

    public TapestatsCollector(CollectorContext context)
        : this(context, TapestatsOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("tapestats", true, [TapestatsOptions.IgnoredDevicesOption], (context, settings) => new TapestatsCollector(context, TapestatsOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var root = context.Paths.SysFile("class/scsi_tape");
        if (!Directory.Exists(root))
        {
            return CollectResult.NoData;
        }

        var tapes = new List<(string Name, ulong[] Counters)>();
        foreach (var name in KernelFile.Entries(root))
        {
            if (TapeName().IsMatch(name) && options.IgnoredDevices?.IsMatch(name) != true)
            {
                tapes.Add((name, Read(Path.Join(root, name, "stats"))));
            }
        }

        for (var i = 0; i < Families.Length; i++)
        {
            var (_, family, type, scale, help) = Families[i];
            writer.Family(family, type, help);
            foreach (var (name, counters) in tapes)
            {
                writer.Sample(counters[i] * scale, "device", name);
            }
        }

        return CollectResult.Success;
    }

    // As procfs: a counter file that is absent reads as 0, one that is present must be a number.
    private static ulong[] Read(string stats)
    {
        if (!Directory.Exists(stats))
        {
            throw new InvalidDataException($"{stats}: missing");
        }

        var counters = new ulong[Families.Length];
        for (var i = 0; i < Families.Length; i++)
        {
            var file = Path.Join(stats, Families[i].File);
            if (KernelFile.ReadTrimmed(file) is { } text)
            {
                counters[i] = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw new InvalidDataException($"{file}: not a number: \"{text}\"");
            }
        }

        return counters;
    }

    [GeneratedRegex("^st[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TapeName();
}
