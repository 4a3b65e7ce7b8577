using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class TapestatsCollectorTests
{
    [Fact]
    public void Tape_drives_give_counters_in_seconds_and_bytes()
    {
        var (result, text) = CollectorHarness.Collect(new TapestatsCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            node_tape_io_now{device="st0"} 1
            node_tape_io_now{device="st1"} 0
            node_tape_io_others_total{device="st0"} 1409
            node_tape_io_others_total{device="st1"} 2
            node_tape_io_time_seconds_total{device="st0"} 9247.01108772
            node_tape_io_time_seconds_total{device="st1"} 0
            node_tape_read_bytes_total{device="st0"} 9.79383912e+08
            node_tape_read_bytes_total{device="st1"} 0
            node_tape_read_time_seconds_total{device="st0"} 33.788355744
            node_tape_read_time_seconds_total{device="st1"} 0
            node_tape_reads_completed_total{device="st0"} 3741
            node_tape_reads_completed_total{device="st1"} 0
            node_tape_residual_total{device="st0"} 19
            node_tape_residual_total{device="st1"} 0
            node_tape_write_time_seconds_total{device="st0"} 5233.597394395
            node_tape_write_time_seconds_total{device="st1"} 0
            node_tape_writes_completed_total{device="st0"} 5.3772916e+07
            node_tape_writes_completed_total{device="st1"} 0
            node_tape_written_bytes_total{device="st0"} 1.496246784e+12
            node_tape_written_bytes_total{device="st1"} 0
            """.Split('\n'),
            CollectorHarness.Samples(text));
        Assert.Equal("gauge", CollectorHarness.Types(text)["node_tape_io_now"]);
        Assert.Equal(9, CollectorHarness.Types(text).Values.Count(t => t == "counter"));
    }

    [Fact]
    public void Ignored_devices_are_left_out()
    {
        var (_, text) = CollectorHarness.Collect(new TapestatsCollector(CollectorHarness.Context(), new TapestatsOptions(new Regex("^st1$"))));

        Assert.DoesNotContain("st1", text, StringComparison.Ordinal);
        Assert.Contains("node_tape_io_now{device=\"st0\"} 1", CollectorHarness.Samples(text));
    }

    [Fact]
    public void No_tape_class_is_no_data()
    {
        using var empty = new TempDirectory();

        var (result, text) = CollectorHarness.Collect(new TapestatsCollector(CollectorHarness.Context(new NodePaths(empty.Path, empty.Path, empty.Path))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Empty(text);
    }

    [Fact]
    public void A_counter_that_is_not_a_number_is_an_error()
    {
        using var sys = new TempDirectory();
        sys.Write("class/scsi_tape/st0/stats/read_cnt", "many\n");

        var e = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new TapestatsCollector(CollectorHarness.Context(new NodePaths(sys.Path, sys.Path, sys.Path)))));

        Assert.Contains("read_cnt: not a number", e.Message, StringComparison.Ordinal);
    }
}
