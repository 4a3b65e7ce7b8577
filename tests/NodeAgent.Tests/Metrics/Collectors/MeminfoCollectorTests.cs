using NodeAgent.Metrics;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class MeminfoCollectorTests
{
    [Fact]
    public void The_fixed_field_list_is_exported_in_bytes()
    {
        var (result, text) = CollectorHarness.Collect(new MeminfoCollector(CollectorHarness.Context()));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            """
            node_memory_Active_anon_bytes 1.57696e+06
            node_memory_Active_bytes 3.55434496e+08
            node_memory_Active_file_bytes 3.53857536e+08
            node_memory_AnonHugePages_bytes 0
            node_memory_AnonPages_bytes 1.5015936e+07
            node_memory_Bounce_bytes 0
            node_memory_Buffers_bytes 8.400896e+06
            node_memory_Cached_bytes 5.06089472e+08
            node_memory_CommitLimit_bytes 1.2638011392e+10
            node_memory_Committed_AS_bytes 1.49778432e+08
            node_memory_DirectMap2M_bytes 2.5738346496e+10
            node_memory_DirectMap4k_bytes 3.145728e+07
            node_memory_Dirty_bytes 479232
            node_memory_HugePages_Free 0
            node_memory_HugePages_Rsvd 0
            node_memory_HugePages_Surp 0
            node_memory_HugePages_Total 0
            node_memory_Hugepagesize_bytes 2.097152e+06
            node_memory_Inactive_anon_bytes 9.474048e+06
            node_memory_Inactive_bytes 1.61046528e+08
            node_memory_Inactive_file_bytes 1.5157248e+08
            node_memory_KernelStack_bytes 1.51552e+06
            node_memory_Mapped_bytes 2.332672e+07
            node_memory_MemAvailable_bytes 2.4896167936e+10
            node_memory_MemFree_bytes 2.4562499584e+10
            node_memory_MemTotal_bytes 2.527602688e+10
            node_memory_Mlocked_bytes 1.2095488e+07
            node_memory_NFS_Unstable_bytes 0
            node_memory_PageTables_bytes 1.78176e+06
            node_memory_Percpu_bytes 704512
            node_memory_SReclaimable_bytes 8.8113152e+07
            node_memory_SUnreclaim_bytes 2.6738688e+07
            node_memory_ShmemHugePages_bytes 0
            node_memory_ShmemPmdMapped_bytes 0
            node_memory_Shmem_bytes 9.166848e+06
            node_memory_Slab_bytes 1.1485184e+08
            node_memory_SwapCached_bytes 0
            node_memory_SwapFree_bytes 0
            node_memory_SwapTotal_bytes 0
            node_memory_Unevictable_bytes 1.3131776e+07
            node_memory_VmallocChunk_bytes 0
            node_memory_VmallocTotal_bytes 3.5184372087808e+13
            node_memory_VmallocUsed_bytes 1.4626816e+07
            node_memory_WritebackTmp_bytes 0
            node_memory_Writeback_bytes 0
            node_memory_Zswap_bytes 0
            node_memory_Zswapped_bytes 0
            """.Split('\n'),
            CollectorHarness.Samples(text));
        Assert.Contains("# HELP node_memory_Active_anon_bytes Memory information field Active_anon_bytes.\n# TYPE node_memory_Active_anon_bytes gauge\n", text, StringComparison.Ordinal);
        Assert.All(CollectorHarness.Types(text).Values, type => Assert.Equal("gauge", type));
    }

    [Fact]
    public void Lines_outside_node_exporters_list_are_not_exported()
    {
        var text = CollectorHarness.Collect(new MeminfoCollector(CollectorHarness.Context())).Text;

        // Present in the fixture but not in procfs' Meminfo struct as node_exporter 1.9+ copies it.
        foreach (var key in (string[])["KReclaimable", "Balloon", "Hugetlb", "SecPageTables", "FileHugePages", "FilePmdMapped"])
        {
            Assert.DoesNotContain("node_memory_" + key, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_meminfo_is_no_data()
    {
        using var empty = new TempDirectory();
        var paths = new NodePaths(Path.Join(empty.Path, "proc"), Path.Join(empty.Path, "sys"), empty.Path);
        Assert.Equal(CollectResult.NoData, CollectorHarness.Collect(new MeminfoCollector(CollectorHarness.Context(paths))).Result);
    }

    [Fact]
    public void A_line_with_a_foreign_unit_is_an_error_naming_the_file()
    {
        using var tree = new TempDirectory();
        tree.Write("proc/meminfo", "MemTotal:       100 MB\n");
        var paths = new NodePaths(Path.Join(tree.Path, "proc"), Path.Join(tree.Path, "sys"), tree.Path);

        var error = Assert.Throws<InvalidDataException>(() => CollectorHarness.Collect(new MeminfoCollector(CollectorHarness.Context(paths))));
        Assert.Contains("meminfo", error.Message, StringComparison.Ordinal);
    }
}
