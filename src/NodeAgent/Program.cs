using System.Net;
using NodeAgent.Hosting;
using NodeAgent.Telemetry;

// Composition root: parse the command line, read and validate the configuration, then run the chosen verb.
MallocTuning.Apply();
var invocation = Invocation.Parse(args);
switch (invocation.Verb)
{
    case Verb.Version:
        Console.Out.WriteLine($"node-agent {AgentVersion.Current}");
        return ExitCodes.Clean;
    case Verb.Help:
        Console.Out.WriteLine(Invocation.Usage);
        return ExitCodes.Clean;
}

var (layers, loadErrors) = ConfigLayers.Load(ConfigLayers.SystemConfigPath, invocation.ConfigFile, Environment.GetEnvironmentVariables(), invocation.KeyArguments);
var report = AgentOptionsReader.Read(layers, loadErrors, Environment.GetEnvironmentVariable("NODE_NAME"), Dns.GetHostName(),
    (Environment.GetEnvironmentVariable("POD_NAMESPACE"), Environment.GetEnvironmentVariable("POD_NAME")));
if (!report.IsValid)
{
    foreach (var error in report.Errors)
    {
        Console.Error.WriteLine($"node-agent: invalid configuration: {error}");
    }

    return ExitCodes.InvalidConfiguration;
}

if (invocation.Verb == Verb.CheckConfig)
{
    foreach (var warning in report.Warnings)
    {
        Console.Error.WriteLine($"node-agent: warning: {warning}");
    }

    using var stdout = Console.OpenStandardOutput();
    EffectiveConfig.Write(report.Options!, stdout);
    return ExitCodes.Clean;
}

try
{
    return await AgentHost.RunAsync(report.Options!, report.Warnings);
}
catch (Exception e)
{
    // Before the agent's logger exists (building the host): an unhandled exception would abort the process (SIGABRT,
    // a core dump); a failure is exit 1, whatever it is.
    Console.Error.WriteLine($"node-agent: fatal: {e}");
    return ExitCodes.Fatal;
}
