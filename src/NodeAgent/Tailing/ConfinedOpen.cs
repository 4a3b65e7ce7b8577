using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NodeAgent.Tailing;

/// <summary>
/// The system calls behind <see cref="LogFileOpener"/>. A path is first only located (O_PATH: the file itself is not
/// opened, so no device's open routine runs and a FIFO cannot block), what was located is checked, and that same
/// inode is then opened for reading through its /proc/self/fd entry, a magic link that leads to the located file
/// without looking the path up again (proc(5)): a tenant who swaps the path between the check and the open gains
/// nothing. /proc/self is the agent's own process, not the host's procfs that Host:ProcPath names.
/// </summary>
internal static partial class ConfinedOpen
{
    // fcntl.h values, the same on x86_64 and arm64 (asm-generic), the architectures the agent is built for.
    private const int ReadOnly = 0;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int PathOnly = 0x200000;
    private const int PermissionDenied = 13;
    private const int NotPermitted = 1;

    /// <summary>An O_PATH descriptor of what <paramref name="path"/> leads to, links followed; it can be checked
    /// (statx, its real path) but not read. Throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> when the path leads nowhere.</summary>
    public static SafeFileHandle Locate(string path) => Open(path, PathOnly | CloseOnExec);

    /// <summary>The absolute path the kernel reached the located file by, every link and <c>..</c> resolved; null
    /// when it cannot be read. A file deleted since reads as its last path with " (deleted)" after it.</summary>
    public static string? RealPath(SafeFileHandle located)
    {
        try
        {
            return new FileInfo(DescriptorPath(located)).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The located file itself opened for reading: O_NONBLOCK so that even a FIFO could never block the
    /// open, O_NOCTTY so a terminal never becomes the agent's, O_CLOEXEC so no child inherits it.</summary>
    public static SafeFileHandle OpenForReading(SafeFileHandle located) =>
        Open(DescriptorPath(located), ReadOnly | NonBlocking | NoControllingTerminal | CloseOnExec);

    private static string DescriptorPath(SafeFileHandle handle) =>
        "/proc/self/fd/" + handle.DangerousGetHandle().ToInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SafeFileHandle Open(string path, int flags)
    {
        var descriptor = NativeOpen(path, flags);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var message = $"{path}: {Marshal.GetPInvokeErrorMessage(errno)}";
            throw errno is PermissionDenied or NotPermitted ? new UnauthorizedAccessException(message) : new IOException(message, errno);
        }

        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    // open(2) is variadic only for the mode, read only with O_CREAT or O_TMPFILE, which are never passed.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpen(string path, int flags);
}
