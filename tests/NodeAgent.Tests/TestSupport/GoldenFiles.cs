namespace NodeAgent.Tests.TestSupport;

/// <summary>
/// Whether a golden-file test rewrites its golden file instead of comparing (<c>NODEAGENT_UPDATE_GOLDEN=1</c>). Refused
/// under <c>CI=true</c>: a test that regenerates what it compares against passes whatever the code does, so in CI the
/// flag would turn the comparison into no check at all. Regenerating is for a developer's machine, followed by a
/// review of the diff.
/// </summary>
internal static class GoldenFiles
{
    public const string UpdateVariable = "NODEAGENT_UPDATE_GOLDEN";

    public static bool UpdateRequested() => UpdateRequested(Environment.GetEnvironmentVariable);

    /// <param name="environment">Reads an environment variable (the process's own, or a test's dictionary).</param>
    /// <exception cref="InvalidOperationException">The update flag is set and so is <c>CI=true</c>.</exception>
    public static bool UpdateRequested(Func<string, string?> environment)
    {
        if (environment(UpdateVariable) != "1")
        {
            return false;
        }

        if (string.Equals(environment("CI")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{UpdateVariable}=1 is refused under CI=true: a golden file is regenerated only on purpose, on a developer's machine, and the diff reviewed; in CI it would make the comparison pass whatever the code produced");
        }

        return true;
    }
}
