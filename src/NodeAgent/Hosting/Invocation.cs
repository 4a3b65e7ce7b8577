namespace NodeAgent.Hosting;

internal enum Verb
{
    Run,
    CheckConfig,
    Version,
    Help,
}

/// <summary>The command line split into the verb, <c>--config FILE</c>, and the <c>--Section:Key=value</c>
/// overrides and node_exporter flags that become the last configuration layers (<see cref="CommandLine"/>).</summary>
internal sealed record Invocation(Verb Verb, string? ConfigFile, IReadOnlyList<string> KeyArguments)
{
    public const string Usage = """
        usage: node-agent [run|check-config] [--config FILE] [--Section:Key=value ...] [node_exporter flags ...]
               node-agent --version

          run            tail container logs and serve node metrics until SIGTERM/SIGINT (the default)
          check-config   validate the configuration, print it with secrets redacted, exit 0 (valid) or 2
          --config FILE  a JSON configuration file, read after /etc/node-agent/config.json
          --version      print the version and exit
          node_exporter's flags (--path.sysfs=/host/sys, --no-collector.wifi, ...) set the keys of the same meaning;
          started with them and no Logs:, Elasticsearch: or Output: key, the agent serves metrics only.
        Configuration keys and defaults: see README.md. Exit codes: 0 clean stop, 1 fatal error, 2 invalid configuration.
        """;

    public static Invocation Parse(IReadOnlyList<string> args)
    {
        var verb = Verb.Run;
        string? configFile = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "run" when i == 0:
                    break;
                case "check-config" when i == 0:
                    verb = Verb.CheckConfig;
                    break;
                case "--version" or "-V":
                    return new Invocation(Verb.Version, null, []);
                case "--help" or "-h" or "help":
                    return new Invocation(Verb.Help, null, []);
                case "--config" when i + 1 < args.Count:
                    configFile = args[++i];
                    break;
                default:
                    if (arg.StartsWith("--config=", StringComparison.Ordinal))
                    {
                        configFile = arg["--config=".Length..];
                    }
                    else
                    {
                        rest.Add(arg);
                    }

                    break;
            }
        }

        return new Invocation(verb, configFile, rest);
    }
}
