using NodeAgent.Sysfs;

namespace NodeAgent.Tests.Sysfs;

public sealed class RaplZoneNameTests
{
    [Fact]
    public void Numbered_names_carry_their_index_and_others_count_earlier_zones()
    {
        var usages = new Dictionary<string, int>(StringComparer.Ordinal);
        Assert.Equal(new RaplZoneName("package", 0), RaplZoneName.FromName("package-0", usages));
        Assert.Equal(new RaplZoneName("core", 0), RaplZoneName.FromName("core", usages));
        Assert.Equal(new RaplZoneName("package", 1), RaplZoneName.FromName("package-1", usages));
        Assert.Equal(new RaplZoneName("core", 1), RaplZoneName.FromName("core", usages));
        Assert.Equal(new RaplZoneName("dram", 0), RaplZoneName.FromName("dram", usages));

        // "a-b-1" has three parts and "psys-x" no numeric suffix: both are counted by full name.
        Assert.Equal(new RaplZoneName("a-b-1", 0), RaplZoneName.FromName("a-b-1", usages));
        Assert.Equal(new RaplZoneName("psys-x", 0), RaplZoneName.FromName("psys-x", usages));
        Assert.Equal(new RaplZoneName("psys-x", 1), RaplZoneName.FromName("psys-x", usages));
    }

    [Theory]
    [InlineData("package", "package")]
    [InlineData("psys-x", "psys_x")]
    [InlineData("a__-__b", "a_b")]
    [InlineData("a.b c", "a_b_c")]
    public void Metric_name_parts_are_sanitized(string name, string expected) => Assert.Equal(expected, RaplZoneName.Sanitize(name));
}
