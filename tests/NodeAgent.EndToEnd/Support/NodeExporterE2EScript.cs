using System.Text.RegularExpressions;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// The command line <c>end-to-end-test.sh</c> gives node_exporter on x86_64 Linux, and the <c>skip_re</c> of lines it
/// drops before comparing, read from the script itself so that a newer copy of the fixtures brings its own collectors
/// and flags. The script's <c>./node_exporter \ … </c> invocation is expanded as bash would: its collector lists
/// sorted (<c>sort | uniq</c>), its <c>collector_flags</c> with the x86_64 values of the <c>cpu_info_*</c> variables,
/// quotes removed and <c>${port}</c> replaced. The script drops the flags of collectors its build does not have,
/// looking in node_exporter's Go sources (not among the fixtures); on Linux every collector it names exists, so every
/// flag is kept (its "IGNORED FLAGS" list is empty there).
/// </summary>
internal sealed partial record NodeExporterE2EScript(IReadOnlyList<string> Invocation, Regex Skip)
{
    public static NodeExporterE2EScript Read(string path, string port)
    {
        var text = File.ReadAllText(path);
        var x86 = X86Variables(text);
        var flags = HereDocument(text, "collector_flags").Replace("${extra_flags}", "", StringComparison.Ordinal);
        foreach (var (name, value) in x86)
        {
            flags = flags.Replace("${" + name + "}", value, StringComparison.Ordinal);
        }

        var enabled = Sorted(HereDocument(text, "enabled_collectors"));
        var disabled = Sorted(HereDocument(text, "disabled_collectors"));
        var arguments = new List<string>();
        foreach (var line in InvocationLines(text))
        {
            if (line.Contains("${supported_enabled_collectors}", StringComparison.Ordinal))
            {
                arguments.AddRange(enabled.Select(c => $"--collector.{c}"));
            }
            else if (line.Contains("${supported_disabled_collectors}", StringComparison.Ordinal))
            {
                arguments.AddRange(disabled.Select(c => $"--no-collector.{c}"));
            }
            else if (line == "${filtered_collector_flags}")
            {
                arguments.AddRange(Words(flags));
            }
            else
            {
                // Everything from the output redirection on is the shell's, not node_exporter's.
                var redirect = line.IndexOf(" >", StringComparison.Ordinal);
                var words = (redirect < 0 ? line : line[..redirect]).Replace("${port}", port, StringComparison.Ordinal);
                arguments.AddRange(Words(words.Replace("\"", "", StringComparison.Ordinal)));
            }
        }

        var skip = SkipAssignment().Match(text) is { Success: true } m ? m.Groups[1].Value : throw new InvalidDataException($"{path}: no skip_re");
        return new NodeExporterE2EScript(arguments, new Regex(skip, RegexOptions.CultureInvariant));
    }

    /// <summary>The lines of the <c>./node_exporter \</c> command, each without its continuation backslash.</summary>
    private static List<string> InvocationLines(string text)
    {
        var lines = text.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "./node_exporter \\");
        if (start < 0)
        {
            throw new InvalidDataException("end-to-end-test.sh: no ./node_exporter invocation");
        }

        var invocation = new List<string>();
        for (var i = start + 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var continued = line.EndsWith('\\');
            invocation.Add(continued ? line[..^1].TrimEnd() : line);
            if (!continued)
            {
                return invocation;
            }
        }

        throw new InvalidDataException("end-to-end-test.sh: the ./node_exporter invocation does not end");
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

    // As supported_collectors returns them: `sort | uniq` in the C locale of a collector name's characters.
    private static string[] Sorted(string text) => [.. Words(text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    // As the shell splits an unquoted $(...): on any white space.
    private static string[] Words(string text) => text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"^skip_re=""(.*)""$", RegexOptions.Multiline)]
    private static partial Regex SkipAssignment();

    [GeneratedRegex(@"(\w+)='([^']*)'")]
    private static partial Regex Assignment();
}
