using NodeAgent.Metrics;

namespace NodeAgent.Hosting;

/// <summary>
/// The command line's configuration, read in its order: <c>--Section:Key=value</c> (or <c>--Section:Key value</c>) and
/// node_exporter's flags as kingpin parses them (<c>--flag=value</c>, <c>--flag value</c>, <c>--flag</c> and
/// <c>--no-flag</c> for a switch). Each flag becomes a layer of its own, named after it, at the place it was given,
/// so a later argument wins over an earlier one and an invalid value names the flag that set it. A name without
/// <c>:</c> is a flag when node_exporter has it (<see cref="NodeExporterFlags"/>); a flag NodeAgent does not implement
/// is an error naming it (exit 2), and a name node_exporter does not have either is refused as an unknown key is.
/// </summary>
internal sealed class CommandLine
{
    public const string Source = "command line";

    private readonly List<string> _errors;
    private readonly List<ConfigLayer> _layers = [];
    private readonly Dictionary<string, Dictionary<string, string?>> _flagValues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _given = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keySetBy = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, string?>? _keys;
    private ConfigLayer? _defaults;

    private CommandLine(List<string> errors) => _errors = errors;

    /// <returns>The layers in the order of the arguments, and <paramref name="Defaults"/>: what
    /// <c>--collector.disable-defaults</c> changes, which belongs right after the built-in defaults (it makes every
    /// collector off by default; a file, the environment or a flag may still switch one on).</returns>
    public static (ConfigLayer? Defaults, IReadOnlyList<ConfigLayer> Layers) Read(IReadOnlyList<string> arguments, List<string> errors)
    {
        var reader = new CommandLine(errors);
        for (var i = 0; i < arguments.Count; i++)
        {
            reader.ReadArgument(arguments, ref i);
        }

        if (reader._layers.Count == 0)
        {
            reader.KeyLayer();
        }

        return (reader._defaults, reader._layers);
    }

    private void ReadArgument(IReadOnlyList<string> arguments, ref int i)
    {
        var argument = arguments[i];
        if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
        {
            Error($"unexpected argument '{argument}' (expected --Section:Key=value, a node_exporter flag, --config FILE, --version or check-config)");
            return;
        }

        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        var name = equals > 0 ? argument[2..equals] : argument[2..];
        var inline = equals > 0 ? argument[(equals + 1)..] : null;
        if (!name.Contains(':', StringComparison.Ordinal))
        {
            if (NodeExporterFlags.Resolve(name) is var (flag, negated))
            {
                ReadFlag(name, flag, negated, inline, arguments, ref i);
                return;
            }

            if (NodeExporterFlags.Suggest(name) is { } suggestion)
            {
                Error($"--{name}: unknown flag (did you mean --{suggestion}?)");
                if (inline is null && NodeExporterFlags.ByName.GetValueOrDefault(suggestion)?.Form is FlagForm.Value or FlagForm.Repeatable
                    && i + 1 < arguments.Count && IsValue(arguments[i + 1]))
                {
                    i++;
                }

                return;
            }
        }

        // A key (or neither a key nor a flag, which the unknown-key check reports with its closest key).
        var keys = KeyLayer();
        if (inline is not null)
        {
            keys[name] = inline;
        }
        else if (i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            keys[name] = arguments[++i];
        }
        else
        {
            Error($"{name}: no value (expected --{name}=value)");
        }
    }

    private void ReadFlag(string written, NodeExporterFlag flag, bool negated, string? inline, IReadOnlyList<string> arguments, ref int i)
    {
        string value;
        if (flag.Form == FlagForm.Switch)
        {
            if (inline is not null)
            {
                // kingpin takes "=false" for a stray argument and refuses it.
                Error($"--{written}: takes no value (write --{flag.Name} or --no-{flag.Name})");
                return;
            }

            value = negated ? "false" : "true";
        }
        else if (negated)
        {
            Error($"--{written}: unknown flag (--{flag.Name} takes a value, it has no --no- form)");
            return;
        }
        else if (inline is not null)
        {
            value = inline;
        }
        else if (i + 1 < arguments.Count && IsValue(arguments[i + 1]))
        {
            value = arguments[++i];
        }
        else
        {
            Error($"--{written}: no value (expected --{flag.Name}=VALUE or --{flag.Name} VALUE)");
            return;
        }

        var times = _given[flag.Name] = _given.GetValueOrDefault(flag.Name) + 1;
        if (times > 1 && flag.Form != FlagForm.Repeatable)
        {
            Error($"--{flag.Name}: given more than once (node_exporter refuses that too)");
            return;
        }

        if (!flag.IsImplemented)
        {
            if (flag.AlreadySo?.Invoke(value) == true)
            {
                FlagLayer(flag);
            }
            else
            {
                Error($"--{written}: node_exporter flag not implemented by NodeAgent" + (flag.Why is { } why ? $" ({why})" : ""));
            }

            return;
        }

        if (flag.KeyValue(value) is not { } keyValue)
        {
            Error($"--{flag.Name}: '{value}' is not valid (expected {flag.Expected})");
            return;
        }

        if (flag.Name == NodeExporterFlags.DisableDefaults)
        {
            DisableDefaults(flag, keyValue == "true");
            return;
        }

        var key = flag.Key!;
        if (_keySetBy.TryGetValue(key, out var other) && other != flag.Name)
        {
            // A deprecated spelling and the current one: node_exporter refuses the pair.
            Error($"--{flag.Name} and --{other} are mutually exclusive");
            return;
        }

        _keySetBy[key] = flag.Name;
        var values = FlagLayer(flag);
        if (flag.Form == FlagForm.Repeatable && ConfigSchema.Find(key)?.Kind == ConfigKind.List)
        {
            values[$"{key}:{times - 1}"] = keyValue;
        }
        else if (times > 1)
        {
            Error($"--{flag.Name}: given more than once; NodeAgent takes one ({key})");
        }
        else
        {
            values[key] = keyValue;
        }
    }

    private void DisableDefaults(NodeExporterFlag flag, bool disable)
    {
        if (!disable)
        {
            FlagLayer(flag);
            return;
        }

        var off = CollectorCatalog.Names.ToDictionary(n => $"Metrics:Collectors:{n}", _ => (string?)"false", StringComparer.OrdinalIgnoreCase);
        _defaults = new ConfigLayer($"{Source}: --{flag.Name}", off, FromNodeExporterFlag: true);
    }

    /// <summary>The values of a flag's own layer, made at its first appearance.</summary>
    private Dictionary<string, string?> FlagLayer(NodeExporterFlag flag)
    {
        if (!_flagValues.TryGetValue(flag.Name, out var values))
        {
            _flagValues[flag.Name] = values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            _layers.Add(new ConfigLayer($"{Source}: --{flag.Name}", values, FromNodeExporterFlag: true));
            _keys = null;
        }

        return values;
    }

    /// <summary>The layer of the keys being read; a new one after a flag, so the order of the arguments holds.</summary>
    private Dictionary<string, string?> KeyLayer()
    {
        if (_keys is null)
        {
            _keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            _layers.Add(new ConfigLayer(Source, _keys));
        }

        return _keys;
    }

    /// <summary>kingpin takes the next argument for a flag's value unless it starts with a dash (a lone "-" is a value).</summary>
    private static bool IsValue(string next) => !next.StartsWith('-') || next == "-";

    private void Error(string message) => _errors.Add($"{Source}: {message}");
}
