using NodeAgent.Procfs;

namespace NodeAgent.Metrics.Collectors;

/// <summary>
/// <c>&lt;proc&gt;/stat</c> as the cpu and stat collectors both read it: null when the file is absent (no data), an
/// <see cref="InvalidDataException"/> naming the file and the line when it is malformed.
/// </summary>
internal static class ProcStatFile
{
    public static ProcStat? Read(NodePaths paths)
    {
        var path = paths.ProcFile("stat");
        if (KernelFile.ReadAll(path) is not { } content)
        {
            return null;
        }

        return ProcStat.TryParse(content, out var stat, out var bad)
            ? stat
            : throw new InvalidDataException($"{path}: malformed line \"{bad}\"");
    }
}
