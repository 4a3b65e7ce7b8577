using System.Text.RegularExpressions;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Suite;

/// <summary>
/// Tests whose subject is one of the test emulators (they use an emulator and no part of the agent) live under
/// Emulators/, so a failing test's name says whether the agent or its stand-in is wrong.
/// </summary>
public sealed partial class EmulatorTestPlacementTests
{
    private static readonly string[] EmulatorNamespaces = ["NodeAgent.ElasticsearchEmulation", "NodeAgent.KubernetesApiEmulation"];

    [Fact]
    public void Tests_of_an_emulator_alone_are_under_Emulators()
    {
        var root = Repository.File("tests", "NodeAgent.Tests");
        var misplaced = new List<string>();
        var placed = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }

            var usings = UsingLine().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).ToList();
            var usesEmulator = usings.Any(IsEmulator);
            // The agent's own namespaces; its test helpers (NodeAgent.Tests.*, NodeAgent.TestSupport) are not the agent.
            var usesAgent = usings.Any(u => u.StartsWith("NodeAgent.", StringComparison.Ordinal) && !IsEmulator(u) && !Within(u, "NodeAgent.Tests") && !Within(u, "NodeAgent.TestSupport"));
            var underEmulators = relative.StartsWith("Emulators" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (usesEmulator && !usesAgent && !underEmulators)
            {
                misplaced.Add(relative);
            }

            placed += underEmulators ? 1 : 0;
        }

        Assert.True(misplaced.Count == 0, "tests of an emulator outside Emulators/: " + string.Join(", ", misplaced));
        Assert.True(placed > 20, $"only {placed} files under Emulators/");
    }

    private static bool IsEmulator(string name) => EmulatorNamespaces.Any(n => Within(name, n));

    private static bool Within(string name, string space) => name == space || name.StartsWith(space + ".", StringComparison.Ordinal);

    // A namespace, or a type for "using static" (its namespace is then a prefix).
    [GeneratedRegex(@"^using (?:static )?([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
