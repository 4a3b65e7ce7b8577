using System.Reflection;

namespace NodeAgent.Telemetry;

internal static class AgentVersion
{
    /// <summary>The informational version without the "+commit" suffix the SDK may append.</summary>
    public static string Current { get; } = Read();

    private static string Read()
    {
        var informational = typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
