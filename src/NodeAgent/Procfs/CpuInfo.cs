using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One processor of <c>/proc/cpuinfo</c>: the fields node_exporter's <c>--collector.cpu.info</c> reports.</summary>
internal sealed record CpuInfoEntry(uint Processor)
{
    public string VendorId { get; set; } = "";

    public string CpuFamily { get; set; } = "";

    public string Model { get; set; } = "";

    public string ModelName { get; set; } = "";

    public string Stepping { get; set; } = "";

    public string Microcode { get; set; } = "";

    public double CpuMHz { get; set; }

    public string CacheSize { get; set; } = "";

    public string PhysicalId { get; set; } = "";

    public string CoreId { get; set; } = "";

    public IReadOnlyList<string> Flags { get; set; } = [];

    public IReadOnlyList<string> Bugs { get; set; } = [];
}

/// <summary>
/// <c>/proc/cpuinfo</c> as prometheus/procfs reads it on the architecture it runs on. x86 (arch/x86/kernel/cpu/proc.c):
/// a <c>processor : N</c> line starts each processor, followed by <c>key : value</c> lines, the value being everything
/// after the first ": " (kept as it is). arm64 (arch/arm64/kernel/cpuinfo.c): <c>processor</c> lines with their
/// <c>BogoMIPS</c>, and one <c>Features</c> line that is every processor's flags. Other architectures give no
/// processors. A file that does not start with a processor line, or a number that does not parse, fails.
/// </summary>
internal static class CpuInfo
{
    public static List<CpuInfoEntry> Parse(ReadOnlySpan<byte> content) =>
        Parse(content, RuntimeInformation.ProcessArchitecture);

    public static List<CpuInfoEntry> Parse(ReadOnlySpan<byte> content, Architecture architecture) => architecture switch
    {
        Architecture.X64 or Architecture.X86 => ParseX86(Lines(content)),
        Architecture.Arm64 or Architecture.Arm => ParseArm(Lines(content)),
        _ => [],
    };

    private static List<CpuInfoEntry> ParseX86(List<string> lines)
    {
        var first = lines.FirstOrDefault(l => l.Length > 0) ?? "";
        if (!first.StartsWith("processor", StringComparison.Ordinal) || !first.Contains(':', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"cannot parse line \"{first}\"");
        }

        var cpus = new List<CpuInfoEntry>();
        foreach (var line in lines.SkipWhile(l => l.Length == 0))
        {
            if (Field(line) is not { } field)
            {
                continue;
            }

            var (key, value) = field;

            if (key == "processor")
            {
                cpus.Add(new CpuInfoEntry(Unsigned(value)));
                continue;
            }

            var cpu = cpus[^1];
            switch (key)
            {
                case "vendor" or "vendor_id": cpu.VendorId = value; break;
                case "cpu family": cpu.CpuFamily = value; break;
                case "model": cpu.Model = value; break;
                case "model name": cpu.ModelName = value; break;
                case "stepping": cpu.Stepping = value; break;
                case "microcode": cpu.Microcode = value; break;
                case "cpu MHz": cpu.CpuMHz = Float(value); break;
                case "cache size": cpu.CacheSize = value; break;
                case "physical id": cpu.PhysicalId = value; break;
                case "core id": cpu.CoreId = value; break;
                case "flags": cpu.Flags = Words(value); break;
                case "bugs": cpu.Bugs = Words(value); break;
                case "siblings" or "cpu cores" or "cpuid level" or "clflush size" or "cache_alignment": _ = Unsigned(value); break;
                case "bogomips": _ = Float(value); break;
            }
        }

        return cpus;
    }

    private static List<CpuInfoEntry> ParseArm(List<string> lines)
    {
        var first = lines.FirstOrDefault(l => l.Length > 0) ?? "";
        if (!(first.StartsWith("processor", StringComparison.Ordinal) || first.StartsWith("Processor", StringComparison.Ordinal)) || !first.Contains(':', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"cannot parse line \"{first}\"");
        }

        // Old 32-bit kernels start with "Processor : <model>" and list no processor numbers: then one processor.
        var common = "";
        var cpus = new List<CpuInfoEntry>();
        IReadOnlyList<string> features = [];
        foreach (var line in lines.SkipWhile(l => l.Length == 0))
        {
            if (Field(line) is not { } field)
            {
                continue;
            }

            var (key, value) = field;

            switch (key)
            {
                case "Processor": common = value; break;
                case "processor": cpus.Add(new CpuInfoEntry(Unsigned(value)) { ModelName = common }); break;
                case "BogoMIPS":
                    if (cpus.Count == 0)
                    {
                        cpus.Add(new CpuInfoEntry(0) { ModelName = common });
                    }

                    _ = Float(value);
                    break;
                case "Features": features = Words(value); break;
                case "model name" when cpus.Count > 0: cpus[^1].ModelName = value; break;
            }
        }

        foreach (var cpu in cpus)
        {
            cpu.Flags = features;
        }

        return cpus;
    }

    private static List<string> Lines(ReadOnlySpan<byte> content) => [.. Encoding.UTF8.GetString(content).Split('\n')];

    /// <summary>(key without surrounding blanks, everything after the first ": "); null for a line without ": ".</summary>
    private static (string Key, string Value)? Field(string line)
    {
        var separator = line.IndexOf(": ", StringComparison.Ordinal);
        return separator < 0 ? null : (line[..separator].Trim(), line[(separator + 2)..]);
    }

    private static string[] Words(string value) => value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    // Go's ParseUint(s, 0, 32): decimal, or 0x hex.
    private static uint Unsigned(string value) =>
        value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && uint.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex
            : uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
            : throw new InvalidDataException($"'{value}' is not an unsigned number");

    private static double Float(string value) =>
        AsciiFields.TryParseFloat(Encoding.UTF8.GetBytes(value), out var number) ? number : throw new InvalidDataException($"'{value}' is not a number");
}
