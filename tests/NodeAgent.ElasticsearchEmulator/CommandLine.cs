using System.Globalization;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary>The process's arguments: <c>--port N --count-only --user name:password --api-key id:key
/// --forbidden-user name --seed N</c>.</summary>
public static class CommandLine
{
    public const string Usage =
        "usage: NodeAgent.ElasticsearchEmulator [--port N] [--count-only] [--user name:password]... [--api-key id:key]... [--forbidden-user name]... [--seed N]";

    /// <summary>The options, or an error message naming the argument.</summary>
    public static (EmulatorOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var options = new EmulatorOptions();
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var forbidden = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--count-only")
            {
                options = options with { CountOnly = true };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{name}: a value is expected. {Usage}");
            }

            var value = args[++i];
            switch (name)
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                    options = options with { Port = port };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                case "--user" when Pair(value) is var (user, password):
                    users[user] = password;
                    break;
                case "--api-key" when Pair(value) is var (id, key):
                    keys[id] = key;
                    break;
                case "--forbidden-user":
                    forbidden.Add(value);
                    break;
                default:
                    return (null, $"{name} {value}: not understood. {Usage}");
            }
        }

        return (options with { Users = users, ApiKeys = keys, ForbiddenUsers = forbidden }, null);
    }

    private static (string, string)? Pair(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (value[..colon], value[(colon + 1)..]) : null;
    }
}
