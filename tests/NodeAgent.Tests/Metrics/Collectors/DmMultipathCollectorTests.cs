using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class DmMultipathCollectorTests : IDisposable
{
    private readonly TempDirectory _tree = new();

    public void Dispose() => _tree.Dispose();

    private DmMultipathCollector Collector() => new(CollectorHarness.Context(new NodePaths(_tree.Path, Path.Join(_tree.Path, "sys"), _tree.Path)));

    private void Map(string sysfsName, string name, string uuid, string suspended, string sectors, params (string Path, string State)[] paths)
    {
        _tree.Write($"sys/block/{sysfsName}/dm/uuid", uuid + "\n");
        _tree.Write($"sys/block/{sysfsName}/dm/name", name + "\n");
        _tree.Write($"sys/block/{sysfsName}/dm/suspended", suspended + "\n");
        _tree.Write($"sys/block/{sysfsName}/size", sectors + "\n");
        Directory.CreateDirectory(Path.Join(_tree.Path, "sys/block", sysfsName, "slaves"));
        foreach (var (path, state) in paths)
        {
            Directory.CreateDirectory(Path.Join(_tree.Path, "sys/block", sysfsName, "slaves", path));
            _tree.Write($"sys/block/{path}/device/state", state + "\n");
        }
    }

    [Fact]
    public void Multipath_maps_give_their_size_state_and_paths_and_other_dm_devices_nothing()
    {
        Map("dm-1", "mpathB", "mpath-36001", "1", "2048", ("sdc", "live"));
        Map("dm-0", "mpathA", "mpath-36000", "0", "104857600", ("sda", "running"), ("sdb", "offline"));
        Map("dm-2", "vg-root", "LVM-abcdef", "0", "100", ("sdd", "running"));
        _tree.Write("sys/block/sdd/size", "100\n");

        var (result, text) = CollectorHarness.Collect(Collector());

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_dmmultipath_device_active Whether the multipath device-mapper device is active (1) or suspended (0).
            # TYPE node_dmmultipath_device_active gauge
            node_dmmultipath_device_active{device="mpathA",sysfs_name="dm-0"} 1
            node_dmmultipath_device_active{device="mpathB",sysfs_name="dm-1"} 0
            # HELP node_dmmultipath_device_info Non-numeric information about a DM-multipath device.
            # TYPE node_dmmultipath_device_info gauge
            node_dmmultipath_device_info{device="mpathA",sysfs_name="dm-0",uuid="mpath-36000"} 1
            node_dmmultipath_device_info{device="mpathB",sysfs_name="dm-1",uuid="mpath-36001"} 1
            # HELP node_dmmultipath_device_paths Number of paths for a multipath device.
            # TYPE node_dmmultipath_device_paths gauge
            node_dmmultipath_device_paths{device="mpathA",sysfs_name="dm-0"} 2
            node_dmmultipath_device_paths{device="mpathB",sysfs_name="dm-1"} 1
            # HELP node_dmmultipath_device_paths_active Number of paths in active state (SCSI running or NVMe live) for a multipath device.
            # TYPE node_dmmultipath_device_paths_active gauge
            node_dmmultipath_device_paths_active{device="mpathA",sysfs_name="dm-0"} 1
            node_dmmultipath_device_paths_active{device="mpathB",sysfs_name="dm-1"} 1
            # HELP node_dmmultipath_device_paths_failed Number of paths not in active state for a multipath device.
            # TYPE node_dmmultipath_device_paths_failed gauge
            node_dmmultipath_device_paths_failed{device="mpathA",sysfs_name="dm-0"} 1
            node_dmmultipath_device_paths_failed{device="mpathB",sysfs_name="dm-1"} 0
            # HELP node_dmmultipath_device_size_bytes Size of the multipath device in bytes, read from /sys/block/<dm>/size.
            # TYPE node_dmmultipath_device_size_bytes gauge
            node_dmmultipath_device_size_bytes{device="mpathA",sysfs_name="dm-0"} 5.36870912e+10
            node_dmmultipath_device_size_bytes{device="mpathB",sysfs_name="dm-1"} 1.048576e+06
            # HELP node_dmmultipath_path_state Reports the underlying device state for a multipath path, as read from /sys/block/<dev>/device/state.
            # TYPE node_dmmultipath_path_state gauge
            node_dmmultipath_path_state{device="mpathA",path="sda",state="running"} 1
            node_dmmultipath_path_state{device="mpathA",path="sdb",state="offline"} 1
            node_dmmultipath_path_state{device="mpathB",path="sdc",state="live"} 1

            """, text);
    }

    [Fact]
    public void It_is_on_by_default_as_in_node_exporter_1_12_and_a_host_without_maps_reports_nothing()
    {
        Assert.True(DmMultipathCollector.Descriptor.EnabledByDefault);
        Assert.Equal((CollectResult.NoData, ""), CollectorHarness.Collect(Collector()));
        Directory.CreateDirectory(Path.Join(_tree.Path, "sys/block/dm-0"));
        Assert.Equal((CollectResult.Success, ""), CollectorHarness.Collect(Collector()));
    }

    [Fact]
    public void A_path_without_a_state_is_an_error_naming_it()
    {
        Map("dm-0", "mpathA", "mpath-36000", "0", "8", ("sda", "running"));
        File.Delete(Path.Join(_tree.Path, "sys/block/sda/device/state"));

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(Collector()));
        Assert.Contains("sda/device/state", error.Message, StringComparison.Ordinal);
    }
}
