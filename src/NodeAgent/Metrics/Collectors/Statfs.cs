using System.Runtime.InteropServices;

namespace NodeAgent.Metrics.Collectors;

/// <summary>What statfs(2) said about one path: the counts node_exporter uses, or the errno it failed with.</summary>
internal readonly record struct StatfsResult(int Errno, ulong Blocks, ulong BlockSize, ulong BlocksFree, ulong BlocksAvailable, ulong Files, ulong FilesFree)
{
    public static StatfsResult Failed(int errno) => new(errno, 0, 0, 0, 0, 0, 0);
}

/// <summary>statfs(2) through libc, and the text node_exporter prints for its errors.</summary>
internal static partial class Statfs
{
    public static StatfsResult Call(string path)
    {
        Span<long> buffer = stackalloc long[StatfsWords];
        int rc;
        unsafe
        {
            fixed (long* raw = buffer)
            {
                rc = NativeStatfs(path, raw);
            }
        }

        if (rc != 0)
        {
            return StatfsResult.Failed(Marshal.GetLastPInvokeError());
        }

        // struct statfs on 64-bit Linux (statfs(2), same layout for x86_64 and arm64): f_type, f_bsize, f_blocks,
        // f_bfree, f_bavail, f_files, f_ffree, f_fsid, f_namelen, f_frsize, f_flags, f_spare[4]; all 8 bytes wide.
        // node_exporter multiplies the block counts by f_bsize, not f_frsize.
        return new StatfsResult(0, (ulong)buffer[2], (ulong)buffer[1], (ulong)buffer[3], (ulong)buffer[4], (ulong)buffer[5], (ulong)buffer[6]);
    }

    /// <summary>Go's <c>syscall.Errno.Error()</c> text, which node_exporter puts in the <c>device_error</c> label: the
    /// glibc strerror message with a lower-case first letter. The likely statfs errors are spelled out so the label
    /// does not depend on the C library (musl words some differently); others fall back to strerror.</summary>
    public static string ErrorText(int errno) => errno switch
    {
        1 => "operation not permitted",
        2 => "no such file or directory",
        4 => "interrupted system call",
        5 => "input/output error",
        12 => "cannot allocate memory",
        13 => "permission denied",
        19 => "no such device",
        20 => "not a directory",
        22 => "invalid argument",
        36 => "file name too long",
        38 => "function not implemented",
        40 => "too many levels of symbolic links",
        75 => "value too large for defined data type",
        107 => "transport endpoint is not connected",
        110 => "connection timed out",
        112 => "host is down",
        116 => "stale file handle",
        _ => LowerFirst(Marshal.GetPInvokeErrorMessage(errno)),
    };

    private static string LowerFirst(string text) =>
        text.Length > 0 && char.IsUpper(text[0]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    // 15 words of struct statfs plus headroom.
    private const int StatfsWords = 16;

    [LibraryImport("libc", EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int NativeStatfs(string path, long* buffer);
}
