using System.Text.RegularExpressions;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// What node_exporter's <c>end-to-end-test.sh</c> gives node_exporter on x86_64, read from the script itself so that
/// a newer copy of the fixtures brings its own collector list and flags: the collectors it enables and disables, the
/// <c>--path.*</c> flags, the collector flags (with the x86_64 values of its <c>cpu_info_*</c> variables), and the
/// <c>skip_re</c> of lines it drops before comparing. The script also drops flags of collectors that its build does
/// not have; on Linux every collector it names exists, so every flag is kept.
/// </summary>
internal sealed partial record NodeExporterE2EScript(
    IReadOnlyList<string> EnabledCollectors,
    IReadOnlyList<string> DisabledCollectors,
    IReadOnlyList<(string Name, string Value)> PathFlags,
    IReadOnlyList<string> CollectorFlags,
    Regex Skip)
{
    public static NodeExporterE2EScript Read(string path)
    {
        var text = File.ReadAllText(path);
        var x86 = X86Variables(text);
        var flags = HereDocument(text, "collector_flags").Replace("${extra_flags}", "", StringComparison.Ordinal);
        foreach (var (name, value) in x86)
        {
            flags = flags.Replace("${" + name + "}", value, StringComparison.Ordinal);
        }

        var skip = SkipAssignment().Match(text) is { Success: true } m ? m.Groups[1].Value : throw new InvalidDataException($"{path}: no skip_re");
        return new NodeExporterE2EScript(
            Words(HereDocument(text, "enabled_collectors")),
            Words(HereDocument(text, "disabled_collectors")),
            [.. PathFlag().Matches(text).Select(p => (p.Groups[1].Value, p.Groups[2].Value))],
            Words(flags),
            new Regex(skip, RegexOptions.CultureInvariant));
    }

    private static string HereDocument(string text, string variable)
    {
        var match = new Regex($@"^{variable}=\$\(cat << (\w+)\n(.*?)\n\1\n", RegexOptions.Multiline | RegexOptions.Singleline).Match(text);
        return match.Success ? match.Groups[2].Value : throw new InvalidDataException($"end-to-end-test.sh: no {variable}");
    }

    /// <summary>The <c>name='value'</c> assignments of the script's <c>x86_64)</c> case.</summary>
    private static Dictionary<string, string> X86Variables(string text)
    {
        var start = text.IndexOf("  x86_64)\n", StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(";;", start, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new InvalidDataException("end-to-end-test.sh: no x86_64 case");
        }

        return Assignment().Matches(text[start..end]).ToDictionary(a => a.Groups[1].Value, a => a.Groups[2].Value, StringComparer.Ordinal);
    }

    // As the shell splits an unquoted $(...): on any white space.
    private static string[] Words(string text) => text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"^skip_re=""(.*)""$", RegexOptions.Multiline)]
    private static partial Regex SkipAssignment();

    [GeneratedRegex(@"--path\.([\w.]+)=""([^""]*)""")]
    private static partial Regex PathFlag();

    [GeneratedRegex(@"(\w+)='([^']*)'")]
    private static partial Regex Assignment();
}
