using System.Runtime.InteropServices;

namespace NodeAgent.Delivery;

internal static partial class StateDirectory
{
    // O_RDONLY | O_CLOEXEC (same bits on x86_64 and arm64; O_DIRECTORY differs between them and is not needed).
    private const int ReadOnlyCloseOnExec = 0x80000;
    private const int Interrupted = 4;
    private const int InvalidArgument = 22;

    /// <summary>
    /// Replaces a state file (house rule 6): written by <paramref name="write"/> to a temporary file beside it,
    /// fsynced, renamed over the old one and the directory fsynced, so that after a crash or power loss the file is
    /// either the old or the new one, whole (the sequence rename(2) documents as atomic, and the one Vector's
    /// checkpointer uses). Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> (disk full,
    /// read-only or unwritable directory) with the old file intact and no temporary file left.
    /// </summary>
    public static void ReplaceDurably(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var directory = Path.GetDirectoryName(path)!;
        Create(directory);
        var temporary = path + ".tmp";
        try
        {
            // FileMode.Create truncates a temporary file left by a crash in the middle of an earlier save (and keeps
            // its mode: Tighten made it private at start).
            using (var stream = OpenWrite(temporary, FileMode.Create, FileShare.None))
            {
                write(stream);

                // fsync(2) before the rename: otherwise the rename can reach the disk before the data does, and a
                // power loss leaves an empty file (the ext4 delayed-allocation lesson).
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        // The rename itself is durable only once the directory is.
        SyncDirectory(directory);
    }

    /// <summary>Renames a state file that cannot be used to <c>&lt;name&gt;.corrupt-&lt;UTC time&gt;</c> (never over an
    /// earlier one), so it is kept for a look and never silently overwritten. Returns the new path; throws
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be moved.</summary>
    public static string SetAside(string path, DateTimeOffset now)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var aside = $"{path}.corrupt-{stamp}";
        for (var n = 2; File.Exists(aside); n++)
        {
            aside = $"{path}.corrupt-{stamp}-{n}";
        }

        File.Move(path, aside);
        return aside;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next save truncates it anyway, and nothing reads it.
        }
    }

    private static void SyncDirectory(string directory)
    {
        int fd;
        do
        {
            fd = Open(directory, ReadOnlyCloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open {directory} to fsync it: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        try
        {
            // EINVAL: a filesystem that cannot sync directories (some FUSE and network ones); nothing more to do there.
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != InvalidArgument)
            {
                throw new IOException($"fsync of {directory} failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
