using System.Text.RegularExpressions;
using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class DiskstatsCollectorTests
{
    private static (CollectResult Result, string Text) Fixture(DiskstatsOptions? options = null) =>
        CollectorHarness.Collect(new DiskstatsCollector(CollectorHarness.Context(), options ?? DiskstatsOptions.Default));

    [Fact]
    public void Families_are_node_exporter_1_12s_with_their_types_in_name_order()
    {
        var (result, text) = Fixture();
        var types = CollectorHarness.Types(text);

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            node_disk_ata_rotation_rate_rpm gauge
            node_disk_ata_write_cache gauge
            node_disk_ata_write_cache_enabled gauge
            node_disk_device_mapper_info gauge
            node_disk_discard_time_seconds_total counter
            node_disk_discarded_sectors_total counter
            node_disk_discards_completed_total counter
            node_disk_discards_merged_total counter
            node_disk_filesystem_info gauge
            node_disk_flush_requests_time_seconds_total counter
            node_disk_flush_requests_total counter
            node_disk_info gauge
            node_disk_io_now gauge
            node_disk_io_time_seconds_total counter
            node_disk_io_time_weighted_seconds_total counter
            node_disk_read_bytes_total counter
            node_disk_read_time_seconds_total counter
            node_disk_reads_completed_total counter
            node_disk_reads_merged_total counter
            node_disk_write_time_seconds_total counter
            node_disk_writes_completed_total counter
            node_disk_writes_merged_total counter
            node_disk_written_bytes_total counter
            """.Split('\n'),
            types.Select(t => $"{t.Key} {t.Value}"));
    }

    [Fact]
    public void Counters_are_in_base_units_bytes_from_sectors_and_seconds_from_milliseconds()
    {
        var (_, text) = Fixture();

        Assert.Equal(
            """
            node_disk_ata_rotation_rate_rpm{device="sda"} 5425
            node_disk_ata_write_cache{device="sda"} 1
            node_disk_ata_write_cache_enabled{device="sda"} 1
            node_disk_discard_time_seconds_total{device="sda"} 0
            node_disk_discarded_sectors_total{device="sda"} 0
            node_disk_discards_completed_total{device="sda"} 0
            node_disk_discards_merged_total{device="sda"} 0
            node_disk_flush_requests_time_seconds_total{device="sda"} 5.615
            node_disk_flush_requests_total{device="sda"} 418
            node_disk_io_now{device="sda"} 0
            node_disk_io_time_seconds_total{device="sda"} 12413.844000000001
            node_disk_io_time_weighted_seconds_total{device="sda"} 22995.802
            node_disk_read_bytes_total{device="sda"} 5.13713216512e+11
            node_disk_read_time_seconds_total{device="sda"} 18483.853
            node_disk_reads_completed_total{device="sda"} 2.5354637e+07
            node_disk_reads_merged_total{device="sda"} 3.4367663e+07
            node_disk_write_time_seconds_total{device="sda"} 4426.389
            node_disk_writes_completed_total{device="sda"} 2.8444756e+07
            node_disk_writes_merged_total{device="sda"} 1.3645208e+07
            node_disk_written_bytes_total{device="sda"} 5.49537337344e+11
            """.Split('\n'),
            CollectorHarness.Samples(text).Where(l => l.Contains("{device=\"sda\"}", StringComparison.Ordinal)));
    }

    [Fact]
    public void Disk_info_carries_udev_identity_and_queue_rotational()
    {
        var (_, text) = Fixture();

        // sda: SCSI_IDENT_SERIAL wins over the udev serials; sdc: ID_SERIAL_SHORT; sdd: no udev data at all.
        Assert.Equal(
            """
            node_disk_info{device="dm-0",major="252",minor="0",model="",path="",revision="",rotational="0",serial="",wwn=""} 1
            node_disk_info{device="md0",major="9",minor="0",model="",path="",revision="",rotational="0",serial="",wwn=""} 1
            node_disk_info{device="md1",major="9",minor="1",model="",path="",revision="",rotational="0",serial="",wwn=""} 1
            node_disk_info{device="md2",major="9",minor="2",model="",path="",revision="",rotational="0",serial="",wwn=""} 1
            node_disk_info{device="nvme0n1",major="259",minor="0",model="Samsung SSD 970 EVO Plus 500GB",path="pci-0000:00:04.0-nvme-1",revision="2B2QEXM7",rotational="0",serial="S4EVNX0R512345A",wwn="eui.0025385b71b12345"} 1
            node_disk_info{device="sda",major="8",minor="0",model="ST4000DM004-2CV104",path="pci-0000:00:1f.2-ata-1.0",revision="0001",rotational="1",serial="ZFN0GTAJ0000C9421A2B",wwn="0x5000c500b1a2c3d4"} 1
            node_disk_info{device="sdb",major="8",minor="16",model="Samsung SSD 870 EVO 500GB",path="pci-0000:00:1f.2-ata-2.0",revision="SVT02B6Q",rotational="0",serial="S6PXNZ0T812345A",wwn="0x5002538f42b1c0de"} 1
            node_disk_info{device="sdc",major="8",minor="32",model="WDC WD40EFZX-68AWUN0",path="",revision="",rotational="1",serial="WD-WX12D80P1234",wwn=""} 1
            node_disk_info{device="sdd",major="8",minor="48",model="",path="",revision="",rotational="1",serial="",wwn=""} 1
            node_disk_info{device="vda",major="254",minor="0",model="",path="pci-0000:00:02.0",revision="",rotational="1",serial="",wwn=""} 1
            """.Split('\n'),
            CollectorHarness.Samples(text).Where(l => l.StartsWith("node_disk_info", StringComparison.Ordinal)));
    }

    [Fact]
    public void Udev_gives_ata_filesystem_and_device_mapper_families()
    {
        var (_, text) = Fixture();

        // sdc's rotation rate is not a number: left out, as node_exporter logs and skips it.
        Assert.Equal(
            """
            node_disk_ata_rotation_rate_rpm{device="sda"} 5425
            node_disk_ata_rotation_rate_rpm{device="sdb"} 0
            node_disk_ata_write_cache{device="sda"} 1
            node_disk_ata_write_cache_enabled{device="sda"} 1
            node_disk_device_mapper_info{device="dm-0",lv_layer="",lv_name="root",name="vg0-root",uuid="LVM-Fm3K2oYbCQ3vYkP2qL9wZtR1xH5nJ8dS0aE7cB4uV6iG2hN1mW9pX3rT5yU8oL2k",vg_name="vg0"} 1
            node_disk_filesystem_info{device="dm-0",type="xfs",usage="filesystem",uuid="5b8e4f2a-1c3d-4e6f-9a8b-7c6d5e4f3a2b",version="5.0"} 1
            node_disk_filesystem_info{device="md0",type="ext4",usage="filesystem",uuid="0e1d2c3b-4a59-4867-9a8b-c7d6e5f40312",version="1.0"} 1
            node_disk_filesystem_info{device="sdb",type="btrfs",usage="filesystem",uuid="0abb23a9-579b-43e6-ad30-227ef47fcb9d",version=""} 1
            node_disk_filesystem_info{device="sdc",type="btrfs",usage="filesystem",uuid="7f07c59f-6136-449c-ab87-e1cf2328731b",version=""} 1
            node_disk_filesystem_info{device="vda",type="ext4",usage="filesystem",uuid="9d3e2f1a-8b7c-4d6e-5f4a-3b2c1d0e9f8a",version="1.0"} 1
            """.Split('\n'),
            CollectorHarness.Samples(text).Where(l => Regex.IsMatch(l, "^node_disk_(ata|filesystem_info|device_mapper)")));
    }

    [Fact]
    public void The_default_exclude_drops_partitions_loop_and_zram_devices()
    {
        var (_, text) = Fixture();

        var devices = CollectorHarness.Samples(text).Select(l => Regex.Match(l, "[{,]device=\"([^\"]+)\"").Groups[1].Value).ToHashSet();

        Assert.Equal(["dm-0", "md0", "md1", "md2", "nvme0n1", "sda", "sdb", "sdc", "sdd", "vda"], devices.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_include_alone_selects_devices()
    {
        var (_, text) = Fixture(new DiskstatsOptions(null, new Regex("^sd[a-z]$"), null));

        var devices = CollectorHarness.Samples(text).Select(l => Regex.Match(l, "[{,]device=\"([^\"]+)\"").Groups[1].Value).Distinct();

        Assert.Equal(["sda", "sdb", "sdc", "sdd"], devices.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n", 12)]
    [InlineData("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n", 16)]
    public void Older_kernels_lack_the_discard_and_flush_families(string diskstats, int families)
    {
        using var node = new TempDirectory();
        node.Write("proc/diskstats", diskstats);

        var (_, text) = CollectorHarness.Collect(new DiskstatsCollector(CollectorHarness.Context(Paths(node))));

        // The counters the kernel prints, plus node_disk_info.
        Assert.Equal(families, CollectorHarness.Types(text).Count);
        Assert.Contains("node_disk_io_time_weighted_seconds_total{device=\"sda\"} 0.011", CollectorHarness.Samples(text));
        Assert.DoesNotContain("node_disk_flush_requests_total", text, StringComparison.Ordinal);
        Assert.Contains("node_disk_info{device=\"sda\",major=\"8\",minor=\"0\",model=\"\",path=\"\",revision=\"\",rotational=\"0\",serial=\"\",wwn=\"\"} 1",
            CollectorHarness.Samples(text));
    }

    [Fact]
    public void The_udev_data_path_option_replaces_the_host_roots_database()
    {
        using var node = new TempDirectory();
        node.Write("proc/diskstats", "   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n");
        var udev = node.Write("elsewhere/b8:0", "E:ID_MODEL=Elsewhere\n");

        var (_, text) = CollectorHarness.Collect(new DiskstatsCollector(CollectorHarness.Context(Paths(node)),
            DiskstatsOptions.Default with { UdevDataPath = Path.GetDirectoryName(udev) }));

        Assert.Contains("model=\"Elsewhere\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void No_diskstats_is_no_data()
    {
        using var node = new TempDirectory();

        var (result, text) = CollectorHarness.Collect(new DiskstatsCollector(CollectorHarness.Context(Paths(node))));

        Assert.Equal(CollectResult.NoData, result);
        Assert.Empty(text);
    }

    [Fact]
    public void A_malformed_line_is_an_error_naming_the_file()
    {
        using var node = new TempDirectory();
        node.Write("proc/diskstats", "   8       0 sda 1 2 3 4 5 6 7 8 9 ten 11\n");

        var e = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new DiskstatsCollector(CollectorHarness.Context(Paths(node)))));

        Assert.Contains("diskstats: not a diskstats line", e.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory node) =>
        new(Path.Combine(node.Path, "proc"), Path.Combine(node.Path, "sys"), Path.Combine(node.Path, "root"));
}
