namespace NodeAgent.Tests.TestSupport;

/// <summary>Locates the repository (the directory holding NodeAgent.sln) and its fixture tree from the test binary.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "NodeAgent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"NodeAgent.sln not found above {AppContext.BaseDirectory}");
    }
}
