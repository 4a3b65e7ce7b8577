using Microsoft.Extensions.Logging;
using NodeAgent.Metrics.Textfile;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// node_exporter's <c>--collector.textfile.directory</c>, repeatable: the directories whose <c>*.prom</c> files are
/// exported, each taken as is (not under the host root, as node_exporter does not prefix it either) and each may be a
/// glob. None is node_exporter's empty default: nothing is read and only <c>node_textfile_scrape_error 0</c> is written.
/// </summary>
internal sealed record TextfileOptions(IReadOnlyList<string> Directories)
{
    public static readonly CollectorOption<IReadOnlyList<string>> DirectoryOption = new("Metrics:TextfileDirectory", CollectorOptionKind.List, [],
        "directories (globs allowed) of `*.prom` files whose metrics are added to each scrape (node_exporter's repeatable `--collector.textfile.directory`)");

    public static TextfileOptions Default { get; } = From(CollectorSettings.Defaults);

    public static TextfileOptions From(CollectorSettings settings) => new(settings.Get(DirectoryOption));
}

/// <summary>
/// node_exporter's textfile collector (collector/textfile.go, 1.10+ with legacy name validation): every <c>*.prom</c>
/// file of the directory (sorted) is parsed as the text format; a file that fails to parse or carries client-side
/// timestamps is skipped whole and sets <c>node_textfile_scrape_error</c>; a family whose HELP contradicts the first
/// HELP seen for that name is dropped and sets it too; families without HELP get "Metric read from &lt;files&gt;".
/// Successfully read files get <c>node_textfile_mtime_seconds{file}</c> (whole seconds). The collector itself never
/// fails, so its success stays 1 whatever the files hold.
/// </summary>
internal sealed partial class TextfileCollector(CollectorContext context, TextfileOptions options) : INodeCollector
{
    private readonly ILogger _logger = context.Logger<TextfileCollector>();

    public TextfileCollector(CollectorContext context)
        : this(context, TextfileOptions.Default)
    {
    }

    public static CollectorDescriptor Descriptor { get; } =
        new("textfile", true, [TextfileOptions.DirectoryOption], (context, settings) => new TextfileCollector(context, TextfileOptions.From(settings)));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var errored = false;
        var parsed = new List<(TextFamily Family, string File)>();
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var helps = new Dictionary<string, (string First, string? Conflict)>(StringComparer.Ordinal);
        var mtimes = new SortedDictionary<string, double>(StringComparer.Ordinal);
        // As node_exporter: every pattern expanded, in the order given, then each directory read.
        foreach (var pattern in options.Directories.Where(d => d.Length > 0))
        {
            foreach (var directory in PathGlob.Expand(pattern) ?? [pattern])
            {
                cancellation.ThrowIfCancellationRequested();
                errored |= !ReadDirectory(directory, parsed, files, helps, mtimes);
            }
        }

        var output = new TextfileOutput();
        var generated = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (family, file) in parsed)
        {
            var help = family.Help;
            if (help is null && !generated.TryGetValue(family.Name, out help))
            {
                help = "Metric read from " + string.Join(", ", files[family.Name]);
                generated[family.Name] = help;
            }

            if (output.Add(family, help) is { } reason)
            {
                // The Prometheus registry rejects these at gather time without failing the scrape; so do we.
                Log.SeriesDropped(_logger, family.Name, file, reason);
            }
        }

        foreach (var (file, mtime) in mtimes)
        {
            output.AddGauge("node_textfile_mtime_seconds", "Unixtime mtime of textfiles successfully read.", mtime, "file", file);
        }

        output.AddGauge("node_textfile_scrape_error", "1 if there was an error opening or reading a file, 0 otherwise", errored ? 1 : 0);
        output.Write(writer);
        return CollectResult.Success;
    }

    /// <summary>Reads one directory's files; false when anything in it counts as a scrape error.</summary>
    private bool ReadDirectory(
        string directory,
        List<(TextFamily Family, string File)> parsed,
        Dictionary<string, List<string>> files,
        Dictionary<string, (string First, string? Conflict)> helps,
        SortedDictionary<string, double> mtimes)
    {
        string[] names;
        try
        {
            names = [.. Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.DirectoryUnreadable(_logger, directory, e.Message);
            return false;
        }

        Array.Sort(names, StringComparer.Ordinal);
        var ok = true;
        foreach (var name in names)
        {
            if (!name.EndsWith(".prom", StringComparison.Ordinal))
            {
                continue;
            }

            var path = Path.Join(directory, name);
            if (!TryReadFile(path, out var families, out var problem))
            {
                Log.FileFailed(_logger, name, problem);
                ok = false;
                continue;
            }

            foreach (var family in families)
            {
                if (helps.TryGetValue(family.Name, out var seen) && ((family.Help is not null && seen.First != family.Help) || seen.Conflict is not null))
                {
                    helps[family.Name] = (seen.First, family.Help ?? "");
                    Log.InconsistentHelp(_logger, family.Name, seen.First, family.Help ?? "", files[family.Name][0]);
                    ok = false;
                    continue;
                }

                if (family.Help is not null)
                {
                    helps[family.Name] = (family.Help, null);
                }

                if (!files.TryGetValue(family.Name, out var sources))
                {
                    files[family.Name] = sources = [];
                }

                sources.Add(path);
                parsed.Add((family, path));
            }

            // Go: float64(mtime.UnixNano() / 1e9), an integer division to whole seconds.
            var ticks = File.GetLastWriteTimeUtc(path).Ticks - DateTime.UnixEpoch.Ticks;
            mtimes[path] = ticks / TimeSpan.TicksPerSecond;
        }

        return ok;
    }

    private static bool TryReadFile(string path, out IReadOnlyList<TextFamily> families, out string problem)
    {
        families = [];
        if (KernelFile.ReadAll(path) is not { } content)
        {
            problem = $"failed to open textfile data file \"{path}\"";
            return false;
        }

        if (!TextFormat.TryParse(content, out families, out var error))
        {
            problem = $"failed to parse textfile data from \"{path}\": {error}";
            return false;
        }

        foreach (var family in families)
        {
            if (family.Metrics.Exists(m => m.HasTimestamp))
            {
                problem = $"textfile \"{path}\" contains unsupported client-side timestamps, skipping entire file";
                return false;
            }
        }

        problem = "";
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(280, LogLevel.Error, "failed to read textfile collector directory {Path}: {Reason}", EventName = "TextfileDirectoryUnreadable")]
        public static partial void DirectoryUnreadable(ILogger logger, string path, string reason);

        [LoggerMessage(281, LogLevel.Error, "failed to collect textfile data from {File}: {Reason}", EventName = "TextfileFileFailed")]
        public static partial void FileFailed(ILogger logger, string file, string reason);

        [LoggerMessage(282, LogLevel.Error, "inconsistent metric help text for {Metric}: \"{OriginalHelp}\" first, now \"{NewHelp}\" (first seen in {File})", EventName = "TextfileInconsistentHelp")]
        public static partial void InconsistentHelp(ILogger logger, string metric, string originalHelp, string newHelp, string file);

        [LoggerMessage(283, LogLevel.Warning, "textfile metric {Metric} from {File} dropped: it {Reason}", EventName = "TextfileSeriesDropped")]
        public static partial void SeriesDropped(ILogger logger, string metric, string file, string reason);
    }
}
