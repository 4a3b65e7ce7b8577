using CpuArchitecture = System.Runtime.InteropServices.Architecture;
using System.Text;
using NodeAgent.Procfs;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Procfs;

public sealed class CpuInfoTests
{
    [Fact]
    public void X86_processors_carry_their_identity_frequency_flags_and_bugs()
    {
        var cpus = CpuInfo.Parse(File.ReadAllBytes(Repository.Fixture("node", "proc", "cpuinfo")), CpuArchitecture.X64);

        Assert.Equal(2, cpus.Count);
        var first = cpus[0];
        Assert.Equal((0u, "AuthenticAMD", "26", "2", "AMD EPYC", "1", "", 2096.022, "1024 KB", "0", "0"),
            (first.Processor, first.VendorId, first.CpuFamily, first.Model, first.ModelName, first.Stepping, first.Microcode, first.CpuMHz, first.CacheSize, first.PhysicalId, first.CoreId));
        Assert.Contains("avx512_vp2intersect", first.Flags);
        Assert.Equal(["cpu_meltdown", "spectre_v1", "spectre_v2", "spec_store_bypass", "srso", "spectre_v2_user"], first.Bugs);
        Assert.Equal(1u, cpus[1].Processor);
    }

    [Fact]
    public void A_value_is_everything_after_the_first_colon_and_space_and_a_line_without_one_is_skipped()
    {
        var cpus = CpuInfo.Parse("processor\t: 3\nmodel name\t: Xeon: the fast one \npower management:\n"u8, CpuArchitecture.X64);

        Assert.Equal("Xeon: the fast one ", Assert.Single(cpus).ModelName);
    }

    [Theory]
    [InlineData("vendor_id\t: GenuineIntel\nprocessor\t: 0\n")]
    [InlineData("processor\t: zero\n")]
    [InlineData("processor\t: 0\ncpu MHz\t\t: fast\n")]
    public void X86_cpuinfo_that_does_not_start_with_a_processor_or_has_a_bad_number_fails(string content) =>
        Assert.Throws<InvalidDataException>(() => CpuInfo.Parse(Encoding.ASCII.GetBytes(content), CpuArchitecture.X64));

    [Fact]
    public void Arm64_processors_share_the_features_line_as_flags()
    {
        var content = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm crc32\nCPU implementer\t: 0x41\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n"u8;

        var cpus = CpuInfo.Parse(content, CpuArchitecture.Arm64);

        Assert.Equal([0u, 1u], cpus.Select(c => c.Processor));
        Assert.All(cpus, c => Assert.Equal(["fp", "asimd", "evtstrm", "crc32"], c.Flags));
    }

    [Fact]
    public void Other_architectures_give_no_processors() =>
        Assert.Empty(CpuInfo.Parse("processor : 0\n"u8, CpuArchitecture.S390x));
}
