using Microsoft.Extensions.Logging;
using NodeAgent.Procfs;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's pressure collector (collector/pressure_linux.go, 1.9+): the <c>total</c> stall times of
/// /proc/pressure/{cpu,io,memory,irq} (Documentation/accounting/psi.rst) in seconds — cpu "some" as
/// <c>node_pressure_cpu_waiting_seconds_total</c>, io and memory "some"/"full" as <c>_waiting</c>/<c>_stalled</c>,
/// irq "full" as <c>node_pressure_irq_stalled_seconds_total</c>. A resource whose file is absent (or unreadable, as
/// with psi=0) is skipped; none at all is "no data". A file without the line node_exporter needs ends the collection
/// as "no data", keeping what was written.
/// </summary>
internal sealed partial class PressureCollector(CollectorContext context) : INodeCollector
{
    private readonly ILogger _logger = context.Logger<PressureCollector>();

    public static CollectorDescriptor Descriptor { get; } = new("pressure", true, (context, _) => new PressureCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var values = new SortedDictionary<string, (string Help, double Seconds)>(StringComparer.Ordinal);
        var found = 0;
        var result = CollectResult.Success;
        foreach (var resource in (ReadOnlySpan<string>)["cpu", "io", "memory", "irq"])
        {
            var path = context.Paths.ProcFile("pressure/" + resource);
            if (KernelFile.ReadAll(path) is not { } content)
            {
                Log.Unavailable(_logger, resource);
                continue;
            }

            if (!PressureStall.TryParse(content, out var stall))
            {
                throw new InvalidDataException($"{path}: malformed pressure line");
            }

            if ((stall.Some is null && resource != "irq") || (stall.Full is null && resource != "cpu"))
            {
                Log.MissingLine(_logger, resource);
                result = CollectResult.NoData;
                break;
            }

            switch (resource)
            {
                case "cpu":
                    values["node_pressure_cpu_waiting_seconds_total"] = ("Total time in seconds that processes have waited for CPU time", Seconds(stall.Some!.Value));
                    break;
                case "io":
                    values["node_pressure_io_waiting_seconds_total"] = ("Total time in seconds that processes have waited due to IO congestion", Seconds(stall.Some!.Value));
                    values["node_pressure_io_stalled_seconds_total"] = ("Total time in seconds no process could make progress due to IO congestion", Seconds(stall.Full!.Value));
                    break;
                case "memory":
                    values["node_pressure_memory_waiting_seconds_total"] = ("Total time in seconds that processes have waited for memory", Seconds(stall.Some!.Value));
                    values["node_pressure_memory_stalled_seconds_total"] = ("Total time in seconds no process could make progress due to memory congestion", Seconds(stall.Full!.Value));
                    break;
                default:
                    values["node_pressure_irq_stalled_seconds_total"] = ("Total time in seconds no process could make progress due to IRQ congestion", Seconds(stall.Full!.Value));
                    break;
            }

            found++;
        }

        foreach (var (name, (help, seconds)) in values)
        {
            writer.Family(name, MetricType.Counter, help);
            writer.Sample(seconds);
        }

        return found == 0 ? CollectResult.NoData : result;
    }

    // node_exporter divides twice, float64(total)/1000.0/1000.0, which is not always bit-identical to / 1e6.
    private static double Seconds(PressureLine line) => line.TotalMicroseconds / 1000.0 / 1000.0;

    private static partial class Log
    {
        [LoggerMessage(220, LogLevel.Debug, "pressure information for {Resource} is unavailable (Linux >= 4.20 with CONFIG_PSI, irq >= 6.1 with CONFIG_IRQ_TIME_ACCOUNTING; psi=1 on the command line)", EventName = "PressureUnavailable")]
        public static partial void Unavailable(ILogger logger, string resource);

        [LoggerMessage(221, LogLevel.Debug, "pressure information for {Resource} has no 'some' or 'full' line", EventName = "PressureMissingLine")]
        public static partial void MissingLine(ILogger logger, string resource);
    }
}
