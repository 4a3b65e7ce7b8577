using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace NodeAgent.Parsing.Multiline;

/// <summary>The languages whose stack traces <c>auto</c> recognises; each is also a mode of its own.</summary>
internal enum MultilineLanguage
{
    Java,
    Python,
    Go,
    DotNet,
    NodeJs,
    Ruby,
    Php,
}

/// <summary>
/// How a container's lines are joined (<c>Logs:Multiline</c>, the <c>node-agent.io/multiline</c> annotation): not at
/// all (<c>none</c>), the stack traces of every built-in language (<c>auto</c>), of one, or by a custom rule of two
/// regular expressions. Immutable and shared: a <see cref="MultilineJoiner"/> keeps its state per stream.
/// </summary>
internal sealed class MultilineRule
{
    public const string AutoName = "auto";
    public const string NoneName = "none";

    private static readonly FrozenDictionary<string, MultilineLanguage> LanguageNames = new Dictionary<string, MultilineLanguage>(StringComparer.OrdinalIgnoreCase)
    {
        ["java"] = MultilineLanguage.Java,
        ["python"] = MultilineLanguage.Python,
        ["go"] = MultilineLanguage.Go,
        ["dotnet"] = MultilineLanguage.DotNet,
        ["nodejs"] = MultilineLanguage.NodeJs,
        ["ruby"] = MultilineLanguage.Ruby,
        ["php"] = MultilineLanguage.Php,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly MultilineRule[] Languages = [.. Enum.GetValues<MultilineLanguage>().Select(l => new MultilineRule(NameOf(l), [Grammar(l)], builtIn: true))];

    private MultilineRule(string name, TraceGrammar[] grammars, bool builtIn)
    {
        Name = name;
        Grammars = grammars;
        IsBuiltIn = builtIn;
    }

    /// <summary>Every line is its own record.</summary>
    public static MultilineRule None { get; } = new(NoneName, [], builtIn: true);

    /// <summary>The stack traces of every built-in language (the default).</summary>
    public static MultilineRule Auto { get; } = new(AutoName, [.. Enum.GetValues<MultilineLanguage>().Select(Grammar)], builtIn: true);

    /// <summary>The names a mode can have besides custom rules, in the order the README lists them.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = [AutoName, NoneName, .. Enum.GetValues<MultilineLanguage>().Select(NameOf)];

    public string Name { get; }

    /// <summary>Lines pass through untouched (<c>none</c>).</summary>
    public bool JoinsNothing => Grammars.Length == 0;

    /// <summary>The grammars tried on each line; a trace is joined while any of those that began it accepts its lines.</summary>
    internal TraceGrammar[] Grammars { get; }

    /// <summary>Built-in rules also hold a logger's error line to join it with a trace that follows, and never begin a
    /// trace at a JSON line; a custom rule does exactly what its expressions say.</summary>
    internal bool IsBuiltIn { get; }

    public static MultilineRule For(MultilineLanguage language) => Languages[(int)language];

    public static string NameOf(MultilineLanguage language) => language switch
    {
        MultilineLanguage.Java => "java",
        MultilineLanguage.Python => "python",
        MultilineLanguage.Go => "go",
        MultilineLanguage.DotNet => "dotnet",
        MultilineLanguage.NodeJs => "nodejs",
        MultilineLanguage.Ruby => "ruby",
        MultilineLanguage.Php => "php",
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };

    /// <summary>
    /// A rule from configuration (<c>Logs:MultilineRules:&lt;name&gt;:Start</c> and <c>:Continue</c>): a line matching
    /// <paramref name="start"/> begins a group, the lines after it matching <paramref name="continue"/> join it. Throws
    /// <see cref="ArgumentException"/> with a message for the operator when a name or pattern cannot be used.
    /// </summary>
    public static MultilineRule Custom(string name, string? start, string? @continue)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"multiline rule name '{name}' is empty or holds spaces", nameof(name));
        }

        if (BuiltInNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"multiline rule '{name}' has the name of a built-in mode ({string.Join(", ", BuiltInNames)}): choose another name", nameof(name));
        }

        return new MultilineRule(name, [new CustomGrammar(Compile(name, "Start", start), Compile(name, "Continue", @continue))], builtIn: false);
    }

    /// <summary>
    /// The rule a mode name stands for: a built-in name (case-insensitive) or the name of one of
    /// <paramref name="customRules"/>. False with a message for the operator, which lists the valid names, when there is
    /// no such mode.
    /// </summary>
    public static bool TryResolve(string? name, IReadOnlyDictionary<string, MultilineRule>? customRules, [NotNullWhen(true)] out MultilineRule? rule, [NotNullWhen(false)] out string? error)
    {
        var trimmed = name?.Trim();
        if (!string.IsNullOrEmpty(trimmed))
        {
            if (string.Equals(trimmed, AutoName, StringComparison.OrdinalIgnoreCase))
            {
                (rule, error) = (Auto, null);
                return true;
            }

            if (string.Equals(trimmed, NoneName, StringComparison.OrdinalIgnoreCase))
            {
                (rule, error) = (None, null);
                return true;
            }

            if (LanguageNames.TryGetValue(trimmed, out var language))
            {
                (rule, error) = (For(language), null);
                return true;
            }

            if (customRules is not null && FindCustom(customRules, trimmed) is { } custom)
            {
                (rule, error) = (custom, null);
                return true;
            }
        }

        rule = null;
        error = $"'{name}' is not a multiline mode: use {ValidNames(customRules)}";
        return false;
    }

    /// <summary><see cref="TryResolve"/>, throwing <see cref="ArgumentException"/> with its message.</summary>
    public static MultilineRule Resolve(string? name, IReadOnlyDictionary<string, MultilineRule>? customRules) =>
        TryResolve(name, customRules, out var rule, out var error) ? rule : throw new ArgumentException(error, nameof(name));

    /// <summary>"auto, none, java, ..., php, or a custom rule (a, b)" / "... or a custom rule under Logs:MultilineRules".</summary>
    public static string ValidNames(IReadOnlyDictionary<string, MultilineRule>? customRules)
    {
        var builtIn = string.Join(", ", BuiltInNames);
        return customRules is { Count: > 0 }
            ? $"{builtIn}, or a custom rule ({string.Join(", ", customRules.Keys.Order(StringComparer.Ordinal))})"
            : $"{builtIn}, or the name of a rule defined under Logs:MultilineRules (none is defined)";
    }

    public override string ToString() => Name;

    private static MultilineRule? FindCustom(IReadOnlyDictionary<string, MultilineRule> customRules, string name)
    {
        if (customRules.TryGetValue(name, out var exact))
        {
            return exact;
        }

        // Configuration keys are case-insensitive; a dictionary built with the default comparer is searched as they are.
        foreach (var (key, rule) in customRules)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return rule;
            }
        }

        return null;
    }

    private static Regex Compile(string name, string which, string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            throw new ArgumentException($"multiline rule '{name}' has no {which} pattern: a rule needs both Start and Continue");
        }

        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"multiline rule '{name}': {which} pattern '{pattern}' is not a valid regular expression: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            // Backreferences, lookarounds and atomic groups need backtracking, which a tenant's line could make slow.
            throw new ArgumentException($"multiline rule '{name}': {which} pattern '{pattern}' uses a construct NodeAgent does not run (patterns run in linear time, without backreferences, lookarounds or atomic groups): {e.Message}", e);
        }
    }

    private static TraceGrammar Grammar(MultilineLanguage language) => language switch
    {
        MultilineLanguage.Java => JavaGrammar.Instance,
        MultilineLanguage.Python => PythonGrammar.Instance,
        MultilineLanguage.Go => GoGrammar.Instance,
        MultilineLanguage.DotNet => DotNetGrammar.Instance,
        MultilineLanguage.NodeJs => NodeJsGrammar.Instance,
        MultilineLanguage.Ruby => RubyGrammar.Instance,
        MultilineLanguage.Php => PhpGrammar.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };
}
