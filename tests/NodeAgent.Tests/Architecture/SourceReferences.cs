using System.Text.RegularExpressions;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Architecture;

/// <summary>
/// Which of the product's top-level folders each source file refers to, read from the text as the compiler sees it:
/// <c>using NodeAgent.X</c> directives (plain, static and alias), names qualified with a folder (<c>Telemetry.AgentVersion</c>,
/// <c>NodeAgent.Shipping.X</c>) and documentation references (<c>cref="Kubernetes.PodCache"</c>); comments and string
/// literals are ignored otherwise. A file's own folder is the first part of its namespace below <c>NodeAgent</c>,
/// which must match the folder it lies in.
/// </summary>
internal static partial class SourceReferences
{
    /// <summary>One file's folder and the folders it refers to (its own excluded).</summary>
    public sealed record FileReferences(string Path, string Folder, string DeclaredNamespace, IReadOnlySet<string> Folders);

    public static string SourceRoot => Repository.File("src", "NodeAgent");

    public static IReadOnlyList<FileReferences> Read()
    {
        var folders = Directory.GetDirectories(SourceRoot).Select(System.IO.Path.GetFileName).Where(n => n is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal)!;
        var files = new List<FileReferences>();
        foreach (var path in Directory.EnumerateFiles(SourceRoot, "*.cs", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(SourceRoot, path);
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal))
            {
                continue;
            }

            files.Add(Of(relative, File.ReadAllText(path), folders!));
        }

        return files;
    }

    /// <summary>The references of one file's <paramref name="text"/> to any of <paramref name="folders"/>.</summary>
    public static FileReferences Of(string relativePath, string text, IReadOnlySet<string> folders)
    {
        var declared = Namespace().Match(text) is { Success: true } m ? m.Groups[1].Value : "";
        var own = FolderOf(declared);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match cref in Cref().Matches(text))
        {
            Add(cref.Groups[1].Value);
        }

        var code = Strings().Replace(Comments().Replace(text, " "), "\"\"");
        foreach (Match directive in UsingDirective().Matches(code))
        {
            Add(directive.Groups[1].Value);
        }

        foreach (Match qualified in Qualified().Matches(code))
        {
            Add(qualified.Groups[1].Value);
        }

        found.Remove(own);
        return new FileReferences(relativePath, own, declared, found);

        void Add(string name)
        {
            var first = (name.StartsWith("NodeAgent.", StringComparison.Ordinal) ? name["NodeAgent.".Length..] : name).Split('.')[0];
            if (folders.Contains(first))
            {
                found.Add(first);
            }
        }
    }

    /// <summary><c>NodeAgent.Shipping.Elasticsearch</c> → <c>Shipping</c>; the root namespace → "".</summary>
    public static string FolderOf(string ns) =>
        ns.StartsWith("NodeAgent.", StringComparison.Ordinal) ? ns["NodeAgent.".Length..].Split('.')[0] : "";

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"cref=""(?:[A-Z]:)?([\w.]+)")]
    private static partial Regex Cref();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@""""""".*?""""""|@""(?:[^""]|"""")*""|""(?:[^""\\\n]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex Strings();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(NodeAgent\.[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    // A folder's name used as a qualifier: NodeAgent.X.Y, or X.Y where X is a folder (checked by the caller) and Y a type.
    [GeneratedRegex(@"(?<![\w.])((?:NodeAgent\.)?[A-Z]\w*)\.[A-Z]\w*")]
    private static partial Regex Qualified();
}
