using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class TimexCollectorTests
{
    private static (CollectResult Result, string Text) Collect(int state, TimexReading reading) =>
        CollectorHarness.Collect(new TimexCollector(CollectorHarness.Context(), (out TimexReading r) =>
        {
            r = reading;
            return state;
        }));

    private static readonly TimexReading Synced = new(
        Offset: 1500, Frequency: 65536000, MaxError: 16000000, EstError: 500, Status: 0x0001, Constant: 7, Tick: 10000,
        PpsFrequency: 131072, Jitter: 2000, Shift: 4, Stability: 65536, JitterCount: 1, CalibrationCount: 2, ErrorCount: 3,
        StabilityCount: 4, Tai: 37);

    [Fact]
    public void Values_are_converted_to_seconds_ratios_and_hertz()
    {
        var (result, text) = Collect(0, Synced);

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_timex_estimated_error_seconds Estimated error in seconds.
            # TYPE node_timex_estimated_error_seconds gauge
            node_timex_estimated_error_seconds 0.0005
            # HELP node_timex_frequency_adjustment_ratio Local clock frequency adjustment.
            # TYPE node_timex_frequency_adjustment_ratio gauge
            node_timex_frequency_adjustment_ratio 1.001
            # HELP node_timex_loop_time_constant Phase-locked loop time constant.
            # TYPE node_timex_loop_time_constant gauge
            node_timex_loop_time_constant 7
            # HELP node_timex_maxerror_seconds Maximum error in seconds.
            # TYPE node_timex_maxerror_seconds gauge
            node_timex_maxerror_seconds 16
            # HELP node_timex_offset_seconds Time offset in between local system and reference clock.
            # TYPE node_timex_offset_seconds gauge
            node_timex_offset_seconds 0.0015
            # HELP node_timex_pps_calibration_total Pulse per second count of calibration intervals.
            # TYPE node_timex_pps_calibration_total counter
            node_timex_pps_calibration_total 2
            # HELP node_timex_pps_error_total Pulse per second count of calibration errors.
            # TYPE node_timex_pps_error_total counter
            node_timex_pps_error_total 3
            # HELP node_timex_pps_frequency_hertz Pulse per second frequency.
            # TYPE node_timex_pps_frequency_hertz gauge
            node_timex_pps_frequency_hertz 2e-06
            # HELP node_timex_pps_jitter_seconds Pulse per second jitter.
            # TYPE node_timex_pps_jitter_seconds gauge
            node_timex_pps_jitter_seconds 0.002
            # HELP node_timex_pps_jitter_total Pulse per second count of jitter limit exceeded events.
            # TYPE node_timex_pps_jitter_total counter
            node_timex_pps_jitter_total 1
            # HELP node_timex_pps_shift_seconds Pulse per second interval duration.
            # TYPE node_timex_pps_shift_seconds gauge
            node_timex_pps_shift_seconds 4
            # HELP node_timex_pps_stability_exceeded_total Pulse per second count of stability limit exceeded events.
            # TYPE node_timex_pps_stability_exceeded_total counter
            node_timex_pps_stability_exceeded_total 4
            # HELP node_timex_pps_stability_hertz Pulse per second stability, average of recent frequency changes.
            # TYPE node_timex_pps_stability_hertz gauge
            node_timex_pps_stability_hertz 1e-06
            # HELP node_timex_status Value of the status array bits.
            # TYPE node_timex_status gauge
            node_timex_status 1
            # HELP node_timex_sync_status Is clock synchronized to a reliable server (1 = yes, 0 = no).
            # TYPE node_timex_sync_status gauge
            node_timex_sync_status 1
            # HELP node_timex_tai_offset_seconds International Atomic Time (TAI) offset.
            # TYPE node_timex_tai_offset_seconds gauge
            node_timex_tai_offset_seconds 37
            # HELP node_timex_tick_seconds Seconds between clock ticks.
            # TYPE node_timex_tick_seconds gauge
            node_timex_tick_seconds 0.01

            """,
            text);
    }

    [Fact]
    public void Sta_nano_switches_offset_and_jitter_to_nanoseconds()
    {
        var samples = CollectorHarness.Samples(Collect(0, Synced with { Status = 0x2001, Offset = 1500000, Jitter = 2000 }).Text);

        Assert.Contains("node_timex_offset_seconds 0.0015", samples);
        Assert.Contains("node_timex_pps_jitter_seconds 2e-06", samples);
        Assert.Contains("node_timex_status 8193", samples);
        Assert.Contains("node_timex_maxerror_seconds 16", samples); // always microseconds
    }

    [Fact]
    public void Time_error_state_means_not_synchronised()
    {
        Assert.Contains("node_timex_sync_status 0", CollectorHarness.Samples(Collect(5, Synced).Text));
        Assert.Contains("node_timex_sync_status 1", CollectorHarness.Samples(Collect(4, Synced).Text));
    }

    [Fact]
    public void Eperm_is_no_data_and_other_errors_fail()
    {
        Assert.Equal(CollectResult.NoData, Collect(-1, default).Result);
        var error = Assert.Throws<IOException>(() => Collect(-14, default));
        Assert.Contains("errno 14", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_syscall_reads_the_clock()
    {
        var (result, text) = CollectorHarness.Collect(new TimexCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(17, CollectorHarness.Types(text).Count);
        Assert.Contains(CollectorHarness.Samples(text), l => l.StartsWith("node_timex_tick_seconds 0.0", StringComparison.Ordinal));
    }
}
