using System.Text;
using NodeAgent.Sysfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Sysfs;

public sealed class NumaNodeFilesTests
{
    [Fact]
    public void Node_meminfo_lines_are_bytes_for_kb_and_counts_otherwise_with_parentheses_made_a_suffix()
    {
        var rows = NumaNodeFiles.Meminfo(File.ReadAllBytes(Repository.Fixture("node", "sys", "devices", "system", "node", "node1", "meminfo")));

        Assert.Equal(("1", "MemTotal", 16319412d * 1024), rows[0]);
        Assert.Equal(("1", "Active_anon", 1024501d * 1024), rows[3]);
        Assert.Equal(("1", "Inactive_file", 2210304d * 1024), rows[4]);
        Assert.Equal(("1", "HugePages_Total", 4d), rows[6]);
        Assert.Equal(8, rows.Count);
    }

    [Theory]
    [InlineData("Node 0 MemTotal:\n")]
    [InlineData("Node 0 MemTotal: lots kB\n")]
    [InlineData("Node 0 MemTotal: 12 MB\n")]
    public void A_node_meminfo_line_of_another_shape_fails(string content) =>
        Assert.Throws<InvalidDataException>(() => NumaNodeFiles.Meminfo(Encoding.ASCII.GetBytes(content)));

    [Fact]
    public void Numastat_is_name_value_pairs_and_any_other_shape_fails()
    {
        Assert.Equal([("numa_hit", 12d), ("numa_miss", 0d)], NumaNodeFiles.Numastat("numa_hit 12\n\nnuma_miss 0\n"u8));
        Assert.Throws<InvalidDataException>(() => NumaNodeFiles.Numastat("numa_hit 12 13\n"u8));
    }
}
