namespace NodeAgent.Tests.Architecture;

/// <summary>
/// The product's folders depend on each other one way only (ARCHITECTURE.md "Dependency direction"): the composition
/// root (<c>Hosting</c>, <c>Program.cs</c>) on everything; the log path Tailing → Parsing → Kubernetes (enrichment)
/// → Shipping, all on the delivery contracts (<c>Delivery</c>); the metrics half on the kernel-file parsers; both
/// halves on <c>Telemetry</c> (the agent's own metrics and health) and <c>Remote</c> (backoff, certificate trust).
/// A reference not listed here is an upward or sideways one, and fails with the file that makes it.
/// </summary>
public sealed class DependencyDirectionTests
{
    /// <summary>What each folder may use, besides itself. The root namespace ("") holds <c>NodePaths</c>, a value the
    /// metrics half and the composition root share.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Hosting"] = ["Tailing", "Journal", "Parsing", "Kubernetes", "Shipping", "Delivery", "Metrics", "Procfs", "Sysfs", "Hostfs", "Netlink", "Telemetry", "Remote", ""],
        // Tailing/Journald, the journal input, reads journal files through the Journal folder's reader.
        ["Tailing"] = ["Journal", "Parsing", "Kubernetes", "Shipping", "Delivery", "Telemetry", "Remote"],
        ["Parsing"] = ["Delivery", "Telemetry"],
        ["Kubernetes"] = ["Shipping", "Delivery", "Telemetry", "Remote"],
        ["Shipping"] = ["Delivery", "Telemetry", "Remote"],
        ["Delivery"] = [],
        ["Metrics"] = ["Procfs", "Sysfs", "Hostfs", "Netlink", "Telemetry", ""],
        ["Procfs"] = [],
        ["Sysfs"] = ["Procfs"],
        ["Hostfs"] = ["Procfs"],
        ["Netlink"] = [],
        // The journal file reader: bytes in, entries out; the log pipeline's journal input sits above it.
        ["Journal"] = [],
        ["Telemetry"] = [],
        ["Remote"] = [],
        [""] = [],
    };

    [Fact]
    public void Every_folder_depends_only_on_the_folders_below_it()
    {
        var files = SourceReferences.Read();
        Assert.NotEmpty(files);
        var wrong = files
            .Where(f => !IsCompositionRoot(f))
            .SelectMany(f => f.Folders.Where(to => !Allowed.GetValueOrDefault(f.Folder, []).Contains(to)).Select(to => $"{f.Path}: {Name(f.Folder)} uses {Name(to)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(wrong.Count == 0, "references against the dependency direction:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Every_folder_is_placed_in_the_direction()
    {
        var unplaced = SourceReferences.Read().Select(f => f.Folder).Distinct().Where(f => !Allowed.ContainsKey(f)).ToList();
        Assert.True(unplaced.Count == 0, "folders the dependency test does not know (add them to Allowed, below what uses them): " + string.Join(", ", unplaced));
    }

    [Fact]
    public void A_files_namespace_matches_its_folder()
    {
        var misplaced = SourceReferences.Read()
            .Where(f => !IsProgram(f) && !string.Equals(Expected(f.Path), f.DeclaredNamespace, StringComparison.Ordinal))
            .Select(f => $"{f.Path} declares {f.DeclaredNamespace}, expected {Expected(f.Path)}")
            .ToList();
        Assert.True(misplaced.Count == 0, string.Join("\n", misplaced));
    }

    [Fact]
    public void The_folders_references_form_no_circle()
    {
        var edges = SourceReferences.Read().Where(f => !IsCompositionRoot(f))
            .SelectMany(f => f.Folders.Select(to => (From: f.Folder, To: to)))
            .Distinct()
            .ToList();
        Assert.Null(DependencyCycles.Find(edges));
    }

    [Fact]
    public void The_checks_see_an_upward_reference_a_qualified_one_and_a_circle()
    {
        var folders = new HashSet<string>(["Tailing", "Shipping", "Telemetry", "Delivery"], StringComparer.Ordinal);
        var upward = SourceReferences.Of("Shipping/X.cs", "using NodeAgent.Tailing;\nnamespace NodeAgent.Shipping.Elasticsearch;\nclass X {}", folders);
        Assert.Equal(["Tailing"], upward.Folders);
        var qualified = SourceReferences.Of("Delivery/Y.cs", "namespace NodeAgent.Delivery;\n/// <see cref=\"Shipping.Z\"/>\nclass Y { string V => Telemetry.AgentVersion.Current; string S => \"Tailing.FileTail\"; }", folders);
        Assert.Equal(["Shipping", "Telemetry"], qualified.Folders.Order(StringComparer.Ordinal));
        Assert.Equal(["Shipping", "Tailing", "Shipping"], DependencyCycles.Find([("Tailing", "Shipping"), ("Shipping", "Tailing"), ("Shipping", "Delivery")]));
        Assert.Null(DependencyCycles.Find([("Tailing", "Shipping"), ("Shipping", "Delivery"), ("Tailing", "Delivery")]));
    }

    private static bool IsCompositionRoot(SourceReferences.FileReferences file) => file.Folder == "Hosting" || IsProgram(file);

    // Top-level statements: no namespace of its own.
    private static bool IsProgram(SourceReferences.FileReferences file) => string.Equals(file.Path, "Program.cs", StringComparison.Ordinal);

    private static string Expected(string path)
    {
        var directory = Path.GetDirectoryName(path);
        return string.IsNullOrEmpty(directory) ? "NodeAgent" : "NodeAgent." + directory.Replace('/', '.');
    }

    private static string Name(string folder) => folder.Length == 0 ? "the root namespace" : folder;
}

/// <summary>A circle in a directed graph, found by depth-first search.</summary>
internal static class DependencyCycles
{
    /// <summary>The nodes of one circle, first node repeated at the end; null when there is none.</summary>
    public static List<string>? Find(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in next.Keys.Order(StringComparer.Ordinal))
        {
            var path = new List<string>();
            if (Visit(start, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string node, List<string> path)
        {
            if (path.IndexOf(node) is var at and >= 0)
            {
                return [.. path[at..], node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var to in next.GetValueOrDefault(node, []))
            {
                if (Visit(to, path) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }
    }
}
