using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class BcachefsCollectorTests
{
    [Fact]
    public void A_filesystem_and_its_devices_are_reported_as_node_exporter_names_them()
    {
        var (result, text) = CollectorHarness.Collect(new BcachefsCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            # HELP node_bcachefs_btree_cache_size_bytes Btree cache memory usage in bytes.
            # TYPE node_bcachefs_btree_cache_size_bytes gauge
            node_bcachefs_btree_cache_size_bytes{uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1.610612736e+09
            # HELP node_bcachefs_btree_node_alloc_total Bcachefs counter btree_node_alloc since filesystem creation.
            # TYPE node_bcachefs_btree_node_alloc_total counter
            node_bcachefs_btree_node_alloc_total{uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 88211
            # HELP node_bcachefs_btree_write_average_size_bytes Average btree write size by type.
            # TYPE node_bcachefs_btree_write_average_size_bytes gauge
            node_bcachefs_btree_write_average_size_bytes{type="initial",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 98304
            node_bcachefs_btree_write_average_size_bytes{type="interior",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1536
            node_bcachefs_btree_write_average_size_bytes{type="journal_reclaim",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 812
            # HELP node_bcachefs_btree_writes_total Number of btree writes by type.
            # TYPE node_bcachefs_btree_writes_total counter
            node_bcachefs_btree_writes_total{type="initial",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 120448
            node_bcachefs_btree_writes_total{type="interior",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 8812
            node_bcachefs_btree_writes_total{type="journal_reclaim",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 2.201934e+06
            # HELP node_bcachefs_compression_compressed_bytes Compressed size by algorithm.
            # TYPE node_bcachefs_compression_compressed_bytes gauge
            node_bcachefs_compression_compressed_bytes{algorithm="incompressible",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 4.617948836659e+12
            node_bcachefs_compression_compressed_bytes{algorithm="lz4",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1.34217728e+10
            node_bcachefs_compression_compressed_bytes{algorithm="zstd",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 3.2505856e+08
            # HELP node_bcachefs_compression_uncompressed_bytes Uncompressed size by algorithm.
            # TYPE node_bcachefs_compression_uncompressed_bytes gauge
            node_bcachefs_compression_uncompressed_bytes{algorithm="incompressible",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 4.617948836659e+12
            node_bcachefs_compression_uncompressed_bytes{algorithm="lz4",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 2.1582210662e+10
            node_bcachefs_compression_uncompressed_bytes{algorithm="zstd",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1.09521666e+09
            # HELP node_bcachefs_device_bucket_size_bytes Bucket size in bytes.
            # TYPE node_bcachefs_device_bucket_size_bytes gauge
            node_bcachefs_device_bucket_size_bytes{device="0",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 524288
            node_bcachefs_device_bucket_size_bytes{device="1",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 524288
            # HELP node_bcachefs_device_buckets Total number of buckets.
            # TYPE node_bcachefs_device_buckets gauge
            node_bcachefs_device_buckets{device="0",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1.907e+06
            node_bcachefs_device_buckets{device="1",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1.907001e+06
            # HELP node_bcachefs_device_durability Device durability setting.
            # TYPE node_bcachefs_device_durability gauge
            node_bcachefs_device_durability{device="0",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1
            node_bcachefs_device_durability{device="1",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 0
            # HELP node_bcachefs_device_info Device information.
            # TYPE node_bcachefs_device_info gauge
            node_bcachefs_device_info{device="0",label="ssd-0",state="[rw] ro evacuating spare",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1
            node_bcachefs_device_info{device="1",label="ssd-1",state="[rw] ro evacuating spare",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1
            # HELP node_bcachefs_device_io_done_bytes_total IO bytes by operation type and data type.
            # TYPE node_bcachefs_device_io_done_bytes_total counter
            node_bcachefs_device_io_done_bytes_total{data_type="btree",device="0",operation="read",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 7.340032e+08
            node_bcachefs_device_io_done_bytes_total{data_type="btree",device="0",operation="write",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 2.097152e+07
            node_bcachefs_device_io_done_bytes_total{data_type="sb",device="0",operation="read",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 12288
            node_bcachefs_device_io_done_bytes_total{data_type="sb",device="0",operation="write",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 49152
            node_bcachefs_device_io_done_bytes_total{data_type="user",device="0",operation="read",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 9.126805504e+10
            node_bcachefs_device_io_done_bytes_total{data_type="user",device="0",operation="write",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 5.0331648e+10
            # HELP node_bcachefs_device_io_errors_total IO errors by error type.
            # TYPE node_bcachefs_device_io_errors_total counter
            node_bcachefs_device_io_errors_total{device="0",type="checksum",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1
            node_bcachefs_device_io_errors_total{device="0",type="read",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 3
            node_bcachefs_device_io_errors_total{device="0",type="write",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 0
            # HELP node_bcachefs_errors_total Error count by error type.
            # TYPE node_bcachefs_errors_total counter
            node_bcachefs_errors_total{error_type="alloc_key_data_type_wrong",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 37
            node_bcachefs_errors_total{error_type="btree_node_bad_seq",uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1
            # HELP node_bcachefs_info Filesystem information.
            # TYPE node_bcachefs_info gauge
            node_bcachefs_info{uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 1
            # HELP node_bcachefs_io_read_total Bcachefs counter io_read since filesystem creation.
            # TYPE node_bcachefs_io_read_total counter
            node_bcachefs_io_read_total{uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 3.758096384e+09
            # HELP node_bcachefs_trans_restart_would_deadlock_total Bcachefs counter trans_restart_would-deadlock since filesystem creation.
            # TYPE node_bcachefs_trans_restart_would_deadlock_total counter
            node_bcachefs_trans_restart_would_deadlock_total{uuid="4b3e1f0a-77c2-4d5e-9a10-2f6c8d9e0b31"} 9

            """, text);
    }

    [Fact]
    public void No_bcachefs_directory_or_no_filesystem_in_it_is_no_data()
    {
        using var tree = new TempDirectory();
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new BcachefsCollector(CollectorHarness.Context(Paths(tree)))).Result);

        Directory.CreateDirectory(Path.Combine(tree.Path, "sys/fs/bcachefs"));
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new BcachefsCollector(CollectorHarness.Context(Paths(tree)))).Result);
    }

    [Fact]
    public void A_filesystem_with_only_some_attributes_reports_what_it_has_and_zero_for_its_cache_size()
    {
        using var tree = new TempDirectory();
        tree.Write("sys/fs/bcachefs/u1/dev-3/nbuckets", "42\n");

        var (result, text) = CollectorHarness.Collect(new BcachefsCollector(CollectorHarness.Context(Paths(tree))));

        Assert.Equal(CollectResult.Success, result);
        Assert.Contains("node_bcachefs_btree_cache_size_bytes{uuid=\"u1\"} 0", CollectorHarness.Samples(text));
        Assert.Contains("node_bcachefs_device_buckets{device=\"3\",uuid=\"u1\"} 42", CollectorHarness.Samples(text));
        Assert.Contains("node_bcachefs_device_info{device=\"3\",label=\"\",state=\"\",uuid=\"u1\"} 1", CollectorHarness.Samples(text));
    }

    [Theory]
    [InlineData("btree_cache_size", "lots\n")]
    [InlineData("counters/io_write", "since boot: 3\n")]
    [InlineData("dev-0/durability", "one\n")]
    public void An_attribute_that_does_not_parse_is_an_error_naming_the_filesystem(string file, string content)
    {
        using var tree = new TempDirectory();
        tree.Write($"sys/fs/bcachefs/u1/{file}", content);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new BcachefsCollector(CollectorHarness.Context(Paths(tree)))));
        Assert.Contains("fs/bcachefs/u1", error.Message, StringComparison.Ordinal);
    }

    private static NodePaths Paths(TempDirectory tree) =>
        new(Path.Combine(tree.Path, "proc"), Path.Combine(tree.Path, "sys"), Path.Combine(tree.Path, "root"));
}
