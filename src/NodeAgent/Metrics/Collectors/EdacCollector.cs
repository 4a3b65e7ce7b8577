using System.Text;
using Microsoft.Extensions.Logging;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// Memory error counters from <c>&lt;sys&gt;/devices/system/edac/mc/mc*</c> (kernel Documentation/admin-guide/ras.rst)
/// as node_exporter 1.12 exposes them: per controller, per csrow (errors without DIMM information under
/// csrow="unknown") and, since 1.12 (#3720), per csrow channel with its DIMM label (normalised as node_exporter does). A channel's ue_count is optional
/// (1.12.1, #3734): the legacy csrow layout only has chN_ce_count and chN_dimm_label.
/// </summary>
internal sealed partial class EdacCollector(CollectorContext context) : INodeCollector
{
    private readonly ILogger _logger = context.Logger<EdacCollector>();

    public static CollectorDescriptor Descriptor { get; } = new("edac", true, (context, _) => new EdacCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var mcDir = context.Paths.SysFile("devices/system/edac/mc");
        if (!Directory.Exists(mcDir))
        {
            return CollectResult.NoData;
        }

        var controllers = new List<(string Number, ulong Ce, ulong Ue, ulong CeNoInfo, ulong UeNoInfo)>();
        var csrows = new List<(string Controller, string Csrow, ulong Ce, ulong Ue)>();
        var channels = new List<(string Controller, string Csrow, string Channel, string DimmLabel, ulong Ce, ulong? Ue)>();
        foreach (var entry in KernelFile.Entries(mcDir))
        {
            if (Number(entry, "mc") is not { } controller)
            {
                continue;
            }

            var dir = Path.Join(mcDir, entry);
            controllers.Add((controller, Count(dir, "ce_count"), Count(dir, "ue_count"), Count(dir, "ce_noinfo_count"), Count(dir, "ue_noinfo_count")));
            foreach (var csrowEntry in KernelFile.Entries(dir))
            {
                if (Number(csrowEntry, "csrow") is not { } csrow)
                {
                    continue;
                }

                var csrowDir = Path.Join(dir, csrowEntry);
                csrows.Add((controller, csrow, Count(csrowDir, "ce_count"), Count(csrowDir, "ue_count")));
                foreach (var file in KernelFile.Entries(csrowDir))
                {
                    if (ChannelOf(file) is not { } channel)
                    {
                        continue;
                    }

                    var ue = KernelFile.ReadUInt64Attribute(csrowDir, $"ch{channel}_ue_count");
                    if (ue is null)
                    {
                        Log.ChannelUeCountMissing(_logger, controller, csrow, channel);
                    }

                    channels.Add((controller, csrow, channel, DimmLabel(csrowDir, channel), Count(csrowDir, file), ue));
                }
            }
        }

        Write(writer, controllers, csrows, channels);
        return CollectResult.Success;
    }

    private static void Write(
        MetricWriter writer,
        List<(string Number, ulong Ce, ulong Ue, ulong CeNoInfo, ulong UeNoInfo)> controllers,
        List<(string Controller, string Csrow, ulong Ce, ulong Ue)> csrows,
        List<(string Controller, string Csrow, string Channel, string DimmLabel, ulong Ce, ulong? Ue)> channels)
    {
        // Series in label-value order, as client_golang sorts them (controller "10" before "2").
        controllers.Sort(static (a, b) => SampleOrder.Compare(a.Number, b.Number));
        var rows = csrows.Select(r => (r.Controller, r.Csrow, r.Ce, Ue: r.Ue))
            .Concat(controllers.Select(c => (Controller: c.Number, Csrow: "unknown", Ce: c.CeNoInfo, Ue: c.UeNoInfo)))
            .OrderBy(r => r.Controller, SampleOrder.Values).ThenBy(r => r.Csrow, SampleOrder.Values).ToList();
        channels.Sort(static (a, b) => SampleOrder.Compare((a.Channel, a.Controller, a.Csrow, a.DimmLabel), (b.Channel, b.Controller, b.Csrow, b.DimmLabel)));

        writer.Family("node_edac_channel_correctable_errors_total", MetricType.Counter, "Total correctable memory errors for this channel.");
        foreach (var c in channels)
        {
            writer.Sample(c.Ce, "channel", c.Channel, "controller", c.Controller, "csrow", c.Csrow, "dimm_label", c.DimmLabel);
        }

        writer.Family("node_edac_channel_uncorrectable_errors_total", MetricType.Counter, "Total uncorrectable memory errors for this channel.");
        foreach (var c in channels)
        {
            if (c.Ue is { } ue)
            {
                writer.Sample(ue, "channel", c.Channel, "controller", c.Controller, "csrow", c.Csrow, "dimm_label", c.DimmLabel);
            }
        }

        writer.Family("node_edac_correctable_errors_total", MetricType.Counter, "Total correctable memory errors.");
        foreach (var c in controllers)
        {
            writer.Sample(c.Ce, "controller", c.Number);
        }

        writer.Family("node_edac_csrow_correctable_errors_total", MetricType.Counter, "Total correctable memory errors for this csrow.");
        foreach (var r in rows)
        {
            writer.Sample(r.Ce, "controller", r.Controller, "csrow", r.Csrow);
        }

        writer.Family("node_edac_csrow_uncorrectable_errors_total", MetricType.Counter, "Total uncorrectable memory errors for this csrow.");
        foreach (var r in rows)
        {
            writer.Sample(r.Ue, "controller", r.Controller, "csrow", r.Csrow);
        }

        writer.Family("node_edac_uncorrectable_errors_total", MetricType.Counter, "Total uncorrectable memory errors.");
        foreach (var c in controllers)
        {
            writer.Sample(c.Ue, "controller", c.Number);
        }
    }

    /// <summary>The digits after the prefix of a "mc[0-9]*"/"csrow[0-9]*" entry (node_exporter's glob and regexp).</summary>
    private static string? Number(string entry, string prefix)
    {
        if (entry.Length <= prefix.Length || !entry.StartsWith(prefix, StringComparison.Ordinal) || !char.IsAsciiDigit(entry[prefix.Length]))
        {
            return null;
        }

        var end = prefix.Length;
        while (end < entry.Length && char.IsAsciiDigit(entry[end]))
        {
            end++;
        }

        return entry[prefix.Length..end];
    }

    /// <summary>N of a "chN_ce_count" attribute in a csrow directory.</summary>
    private static string? ChannelOf(string file)
    {
        if (!file.EndsWith("_ce_count", StringComparison.Ordinal) || Number(file, "ch") is not { } channel)
        {
            return null;
        }

        return file.Length == "ch".Length + channel.Length + "_ce_count".Length ? channel : null;
    }

    /// <summary>
    /// The channel's DIMM label as node_exporter 1.12 labels it: without its '#' signs and with an underscore before
    /// "csrow" and "channel", so the kernel's default "mc#0csrow#1channel#0" reads "mc0_csrow1_channel0"; "unknown"
    /// when the channel has no label file.
    /// </summary>
    private static string DimmLabel(string csrowDir, string channel) =>
        KernelFile.ReadAll(Path.Join(csrowDir, $"ch{channel}_dimm_label")) is not { } raw ? "unknown"
            : Encoding.UTF8.GetString(raw).Trim().Replace("#", "", StringComparison.Ordinal)
                .Replace("csrow", "_csrow", StringComparison.Ordinal).Replace("channel", "_channel", StringComparison.Ordinal);

    /// <summary>A required counter: node_exporter fails the scrape when one is missing or not a number.</summary>
    private static ulong Count(string dir, string file) =>
        KernelFile.ReadUInt64Attribute(dir, file) ?? throw new InvalidDataException($"{Path.Join(dir, file)}: missing or unreadable");

    private static partial class Log
    {
        [LoggerMessage(550, LogLevel.Debug, "edac: controller {Controller} csrow {Csrow} channel {Channel} has no ue_count", EventName = "EdacChannelUeCountMissing")]
        public static partial void ChannelUeCountMissing(ILogger logger, string controller, string csrow, string channel);
    }
}
