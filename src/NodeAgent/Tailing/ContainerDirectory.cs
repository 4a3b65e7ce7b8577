namespace NodeAgent.Tailing;

/// <summary>
/// The directory where a container's log files live, told from the path the agent reads it by: kubelet's
/// <c>/var/log/containers</c> link is followed to <c>/var/log/pods/&lt;ns&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/</c>, where the
/// runtime writes <c>0.log</c> and kubelet keeps its rotated files (DELIVERY.md rule 4).
/// </summary>
internal static class ContainerDirectory
{
    /// <summary>The directory of the file <paramref name="path"/> leads to; the path's own directory when it is not a
    /// link or the link cannot be followed.</summary>
    public static string? Of(string path) => Path.GetDirectoryName(ResolveLink(path));

    /// <summary>The final target of a link (or the path itself when it is none, or cannot be read).</summary>
    public static string ResolveLink(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>The (device, inode) of every uncompressed file in <paramref name="directory"/> (a compressed one is
    /// never read, and kubelet's <c>.gz</c> may well reuse the inode of the file it replaced): an empty set when the
    /// directory is gone, null when it cannot be listed for another reason (then nothing can be said of what it holds).</summary>
    public static HashSet<(ulong Device, ulong Inode)>? UncompressedInodes(string directory)
    {
        var inodes = new HashSet<(ulong Device, ulong Inode)>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory).Where(f => !RotatedName.IsCompressed(f)))
            {
                if (FileStatus.TryOf(file, out var status))
                {
                    inodes.Add((status.Device, status.Inode));
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return inodes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return inodes;
    }
}
