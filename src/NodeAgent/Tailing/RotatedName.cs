using System.Text.RegularExpressions;

namespace NodeAgent.Tailing;

/// <summary>
/// Kubelet's rotated log names: it renames <c>0.log</c> to <c>0.log.20261128-101500</c> and compresses that at the
/// next rotation (<c>0.log.20261128-101500.gz</c>; pkg/kubelet/logs/container_log_manager.go). Such files are never
/// picked up as new files — their lines were read as <c>0.log</c>, before the rename — only drained through an open
/// handle or, after a restart, found again by identity.
/// </summary>
internal static partial class RotatedName
{
    public static bool IsRotated(string path) => IsCompressed(path) || RotationSuffix().IsMatch(Path.GetFileName(path));

    /// <summary>A compressed file: never read, neither as a live file nor as a rotated one to drain.</summary>
    public static bool IsCompressed(string path) => path.EndsWith(".gz", StringComparison.Ordinal);

    [GeneratedRegex(@"\.log\.\d{8}-\d{6}(\.tmp)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RotationSuffix();
}
