using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>The fields of <c>struct timex</c> the timex collector exports, as adjtimex(2) filled them.</summary>
internal readonly record struct TimexReading(
    long Offset, long Frequency, long MaxError, long EstError, int Status, long Constant, long Tick,
    long PpsFrequency, long Jitter, int Shift, long Stability, long JitterCount, long CalibrationCount, long ErrorCount,
    long StabilityCount, int Tai);

/// <summary>adjtimex(2) with modes 0 (read only): the clock state (TIME_OK..TIME_ERROR) or -errno.</summary>
internal delegate int AdjtimexCall(out TimexReading reading);

/// <summary>
/// node_exporter's timex collector (collector/timex.go): the kernel clock discipline state from adjtimex(2). Times
/// are converted to seconds (offset and PPS jitter in ns when STA_NANO is set, µs otherwise; maxerror, esterror and
/// tick always µs), frequencies from scaled ppm (ppm × 2^16) to a ratio or Hz, and
/// <c>node_timex_sync_status</c> is 0 when adjtimex returns TIME_ERROR (5). EPERM (a seccomp profile denying the
/// call) is "no data".
/// </summary>
internal sealed partial class TimexCollector(CollectorContext context, AdjtimexCall adjtimex) : INodeCollector
{
    private const int TimeError = 5;
    private const int StaNano = 0x2000;
    private const int Eperm = 1;
    private const double NanoSeconds = 1000000000;
    private const double MicroSeconds = 1000000;

    // adjtimex(2) NOTES: freq, ppsfreq and stabil are in ppm with a 16-bit fractional part.
    private const double Ppm16Frac = 1000000.0 * 65536.0;

    private readonly ILogger _logger = context.Logger<TimexCollector>();

    public TimexCollector(CollectorContext context)
        : this(context, Native.Adjtimex)
    {
    }

    public static CollectorDescriptor Descriptor { get; } = new("timex", true, (context, _) => new TimexCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var state = adjtimex(out var t);
        if (state == -Eperm)
        {
            Log.NotPermitted(_logger);
            return CollectResult.NoData;
        }

        if (state < 0)
        {
            throw new IOException($"failed to retrieve adjtimex stats: errno {-state}");
        }

        var divisor = (t.Status & StaNano) != 0 ? NanoSeconds : MicroSeconds;
        Gauge(writer, "node_timex_estimated_error_seconds", "Estimated error in seconds.", t.EstError / MicroSeconds);
        Gauge(writer, "node_timex_frequency_adjustment_ratio", "Local clock frequency adjustment.", 1 + (t.Frequency / Ppm16Frac));
        Gauge(writer, "node_timex_loop_time_constant", "Phase-locked loop time constant.", t.Constant);
        Gauge(writer, "node_timex_maxerror_seconds", "Maximum error in seconds.", t.MaxError / MicroSeconds);
        Gauge(writer, "node_timex_offset_seconds", "Time offset in between local system and reference clock.", t.Offset / divisor);
        Counter(writer, "node_timex_pps_calibration_total", "Pulse per second count of calibration intervals.", t.CalibrationCount);
        Counter(writer, "node_timex_pps_error_total", "Pulse per second count of calibration errors.", t.ErrorCount);
        Gauge(writer, "node_timex_pps_frequency_hertz", "Pulse per second frequency.", t.PpsFrequency / Ppm16Frac);
        Gauge(writer, "node_timex_pps_jitter_seconds", "Pulse per second jitter.", t.Jitter / divisor);
        Counter(writer, "node_timex_pps_jitter_total", "Pulse per second count of jitter limit exceeded events.", t.JitterCount);
        Gauge(writer, "node_timex_pps_shift_seconds", "Pulse per second interval duration.", t.Shift);
        Counter(writer, "node_timex_pps_stability_exceeded_total", "Pulse per second count of stability limit exceeded events.", t.StabilityCount);
        Gauge(writer, "node_timex_pps_stability_hertz", "Pulse per second stability, average of recent frequency changes.", t.Stability / Ppm16Frac);
        Gauge(writer, "node_timex_status", "Value of the status array bits.", t.Status);
        Gauge(writer, "node_timex_sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).", state == TimeError ? 0 : 1);
        Gauge(writer, "node_timex_tai_offset_seconds", "International Atomic Time (TAI) offset.", t.Tai);
        Gauge(writer, "node_timex_tick_seconds", "Seconds between clock ticks.", t.Tick / MicroSeconds);
        return CollectResult.Success;
    }

    private static void Gauge(MetricWriter writer, string name, string help, double value)
    {
        writer.Family(name, MetricType.Gauge, help);
        writer.Sample(value);
    }

    private static void Counter(MetricWriter writer, string name, string help, double value)
    {
        writer.Family(name, MetricType.Counter, help);
        writer.Sample(value);
    }

    private static partial class Log
    {
        [LoggerMessage(240, LogLevel.Debug, "Not collecting timex metrics: adjtimex(2) is not permitted", EventName = "TimexNotPermitted")]
        public static partial void NotPermitted(ILogger logger);
    }

    private static partial class Native
    {
        // struct timex (include/uapi/linux/timex.h) on LP64: C long is 64-bit; natural alignment gives the padding.
        [StructLayout(LayoutKind.Sequential)]
        private unsafe struct Timex
        {
            public uint Modes;
            public nint Offset;
            public nint Freq;
            public nint MaxError;
            public nint EstError;
            public int Status;
            public nint Constant;
            public nint Precision;
            public nint Tolerance;
            public nint TimeSeconds;
            public nint TimeMicroseconds;
            public nint Tick;
            public nint PpsFreq;
            public nint Jitter;
            public int Shift;
            public nint Stabil;
            public nint JitCnt;
            public nint CalCnt;
            public nint ErrCnt;
            public nint StbCnt;
            public int Tai;
            public fixed int Reserved[11];
        }

        public static int Adjtimex(out TimexReading reading)
        {
            var buffer = default(Timex); // modes = 0: read only, no privilege needed
            var state = adjtimex(ref buffer);
            reading = new TimexReading(
                buffer.Offset, buffer.Freq, buffer.MaxError, buffer.EstError, buffer.Status, buffer.Constant, buffer.Tick,
                buffer.PpsFreq, buffer.Jitter, buffer.Shift, buffer.Stabil, buffer.JitCnt, buffer.CalCnt, buffer.ErrCnt,
                buffer.StbCnt, buffer.Tai);
            return state < 0 ? -Marshal.GetLastPInvokeError() : state;
        }

        [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
        private static partial int adjtimex(ref Timex buffer);
    }
}
