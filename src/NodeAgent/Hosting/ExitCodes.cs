namespace NodeAgent.Hosting;

/// <summary>The exit codes of CONTRACT.md.</summary>
internal static class ExitCodes
{
    public const int Clean = 0;
    public const int Fatal = 1;
    public const int InvalidConfiguration = 2;
}
