using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NodeAgent.Tests.Packaging;

/// <summary>One instruction after line continuations are joined: keyword in upper case, raw arguments.</summary>
public sealed record DockerInstruction(int Line, string Keyword, string Arguments)
{
    public bool IsExecForm => Arguments.TrimStart().StartsWith('[');

    /// <summary>The value of a leading <c>--name=value</c> flag (COPY --from, FROM --platform, ...).</summary>
    public string? Flag(string name)
    {
        foreach (var word in Words())
        {
            if (!word.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq > 2 && word.AsSpan(2, eq - 2).SequenceEqual(name))
            {
                return word[(eq + 1)..];
            }
        }

        return null;
    }

    /// <summary>The words after the flags; the JSON form <c>COPY ["a", "b"]</c> is read as JSON.</summary>
    public IReadOnlyList<string> Operands()
    {
        var rest = string.Join(' ', Words().SkipWhile(w => w.StartsWith("--", StringComparison.Ordinal)));
        return rest.StartsWith('[') ? ParseJsonArray(rest) : rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The argv of the exec (JSON) form, as Docker reads it.</summary>
    public IReadOnlyList<string> ExecArguments() => ParseJsonArray(Arguments.Trim());

    private string[] Words() => Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static List<string> ParseJsonArray(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException($"not a string in {json}")).ToList();
    }
}

/// <summary>A FROM and the instructions up to the next one.</summary>
public sealed record DockerStage(int Index, string BaseImage, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    /// <summary>Whether <c>--from=value</c> names this stage (by its AS name, case-insensitively, or its index).</summary>
    public bool Matches(string value) =>
        string.Equals(Name, value, StringComparison.OrdinalIgnoreCase) ||
        value == Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Just enough of the Dockerfile grammar: comments, blank lines, <c>\</c> continuations, stages.</summary>
public sealed class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<DockerInstruction> instructions, IReadOnlyList<DockerStage> stages)
    {
        Instructions = instructions;
        Stages = stages;
    }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public IReadOnlyList<DockerStage> Stages { get; }

    public static DockerfileModel Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var pending = new StringBuilder();
        var startLine = 0;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.Trim();

            // Comment lines (parser directives included) and blank lines are dropped, even inside a continuation.
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (pending.Length == 0)
            {
                startLine = i + 1;
            }

            var continues = line.TrimEnd().EndsWith('\\');
            pending.Append(continues ? line.TrimEnd()[..^1] : line);
            if (!continues)
            {
                instructions.Add(Split(startLine, pending.ToString()));
                pending.Clear();
            }
        }

        if (pending.Length > 0)
        {
            throw new FormatException($"line {startLine}: the file ends inside a line continuation");
        }

        return new DockerfileModel(instructions, GroupStages(instructions));
    }

    public static string CollapseWhitespace(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static DockerInstruction Split(int line, string text)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\t']);
        return space < 0
            ? new DockerInstruction(line, trimmed.ToUpperInvariant(), "")
            : new DockerInstruction(line, trimmed[..space].ToUpperInvariant(), trimmed[(space + 1)..].Trim());
    }

    private static List<DockerStage> GroupStages(List<DockerInstruction> instructions)
    {
        var stages = new List<DockerStage>();
        for (var i = 0; i < instructions.Count; i++)
        {
            if (instructions[i].Keyword != "FROM")
            {
                continue;
            }

            var words = instructions[i].Operands();
            if (words.Count is not (1 or 3) || (words.Count == 3 && !words[1].Equals("AS", StringComparison.OrdinalIgnoreCase)))
            {
                throw new FormatException($"line {instructions[i].Line}: expected FROM [--flags] image [AS name]");
            }

            var body = instructions.Skip(i + 1).TakeWhile(x => x.Keyword != "FROM").ToList();
            stages.Add(new DockerStage(stages.Count, words[0], words.Count == 3 ? words[2] : null, body));
        }

        return stages;
    }
}

/// <summary>
/// .dockerignore as BuildKit reads it: patterns relative to the context root, <c>*</c> and <c>?</c> within one path
/// segment, <c>**</c> across segments, <c>!</c> re-includes, the last matching line wins, and a pattern that matches
/// a directory excludes everything under it.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude)> _rules;

    private DockerIgnore(List<(Regex Pattern, bool Exclude)> rules) => _rules = rules;

    public static DockerIgnore Load(string path)
    {
        var rules = new List<(Regex, bool)>();
        if (File.Exists(path))
        {
            foreach (var raw in File.ReadAllLines(path))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                var exclude = !line.StartsWith('!');
                var pattern = Normalize(exclude ? line : line[1..]);
                if (pattern.Length > 0)
                {
                    rules.Add((ToRegex(pattern), exclude));
                }
            }
        }

        return new DockerIgnore(rules);
    }

    public static string Normalize(string path)
    {
        var p = path.Replace('\\', '/').Trim();
        while (p.StartsWith("./", StringComparison.Ordinal))
        {
            p = p[2..];
        }

        return p.Trim('/');
    }

    public bool IsExcluded(string path)
    {
        var segments = Normalize(path).Split('/');
        var candidates = Enumerable.Range(1, segments.Length).Select(n => string.Join('/', segments.Take(n))).ToList();
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (candidates.Any(pattern.IsMatch))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                    sb.Append("(?:.*/)?");
                }
                else
                {
                    sb.Append(".*");
                }
            }
            else if (c == '*')
            {
                sb.Append("[^/]*");
            }
            else if (c == '?')
            {
                sb.Append("[^/]");
            }
            else
            {
                sb.Append(Regex.Escape(pattern.Substring(i, 1)));
            }
        }

        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
