using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NodeAgent.Metrics;

/// <summary>
/// Reads /proc, /sys and host files for the collectors: whole-file reads with open(2), read(2) and close(2) straight
/// from libc (procfs reports size 0, sysfs 4096, so the size is never trusted), and an absent or unreadable file as
/// null, never an exception: a missing file is the kernel's normal way of saying "no such feature", and a sysfs read
/// may fail (EINVAL for the speed of a link that is down). A scrape reads hundreds of such files; going through
/// SafeFileHandle would add an fstat and an exception per absent file.
/// </summary>
internal static partial class KernelFile
{
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC on Linux (x86_64 and arm64)
    private const int DirectoryOnly = 0x80000 | 0x200000; // O_RDONLY | O_CLOEXEC | O_PATH (same bits on x86_64 and arm64)
    private const int Interrupted = 4; // EINTR

    /// <summary>A sysfs attribute: the kernel renders it whole into one page and hands it over in one read(2), so
    /// a read shorter than a page is the end and the read that would return 0 is skipped (one syscall of four, on the
    /// hundreds of attributes a scrape reads). Not for procfs, whose seq_file reads may be short before the end.</summary>
    public static byte[]? ReadAttribute(string path) => ReadAll(path, oneRead: true);

    public static byte[]? ReadAll(string path) => ReadAll(path, oneRead: false);

    /// <summary>Opens a directory to read many attributes of one device relative to it (<see cref="ReadAttribute(
    /// AttributeDirectory, string)"/>): the kernel then walks the long, symlinked sysfs path once instead of once per
    /// attribute. Null when the directory cannot be opened.</summary>
    public static AttributeDirectory? OpenDirectory(string path)
    {
        int fd;
        do
        {
            fd = Open(path, DirectoryOnly);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        return fd < 0 ? null : new AttributeDirectory(fd);
    }

    /// <summary>A sysfs attribute of an opened device directory; see <see cref="ReadAttribute(string)"/>.</summary>
    public static byte[]? ReadAttribute(AttributeDirectory directory, string name)
    {
        int fd;
        do
        {
            fd = OpenAt(directory.Descriptor, name, ReadOnlyCloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        return fd < 0 ? null : ReadAndClose(fd, oneRead: true);
    }

    private static byte[]? ReadAll(string path, bool oneRead)
    {
        int fd;
        do
        {
            fd = Open(path, ReadOnlyCloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        return fd < 0 ? null : ReadAndClose(fd, oneRead);
    }

    private static unsafe byte[]? ReadAndClose(int fd, bool oneRead)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                nint read;
                fixed (byte* start = &buffer[total])
                {
                    read = Read(fd, start, buffer.Length - total);
                }

                if (read < 0 && Marshal.GetLastPInvokeError() == Interrupted)
                {
                    continue;
                }

                if (read < 0)
                {
                    // The attribute exists but refuses to be read (EIO, EINVAL, ENODATA): treat it as absent.
                    return null;
                }

                var shortRead = read < buffer.Length - total;
                total += (int)read;
                if (read == 0 || (oneRead && shortRead))
                {
                    return buffer.AsSpan(0, total).ToArray();
                }
            }
        }
        finally
        {
            _ = Close(fd);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenAt(int directory, string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    internal static int CloseDescriptor(int fd) => Close(fd);

    /// <summary>A sysfs integer attribute (decimal, or 0x-prefixed hex as procfs accepts): null when absent or
    /// unreadable, an <see cref="InvalidDataException"/> naming the file when it holds anything else.</summary>
    public static long? ReadInt64Attribute(string directory, string file)
    {
        var path = Path.Join(directory, file);
        return ReadAttribute(path) is not { } raw ? null
            : Sysfs.SysfsValue.TryParseInt64(Sysfs.SysfsValue.Attribute(raw), out var value) ? value
            : throw new InvalidDataException($"{path}: not an integer");
    }

    /// <summary>A sysfs counter attribute (unsigned decimal); null when absent, an error naming the file when
    /// malformed.</summary>
    public static ulong? ReadUInt64Attribute(string directory, string file)
    {
        var path = Path.Join(directory, file);
        return ReadAttribute(path) is not { } raw ? null
            : Sysfs.SysfsValue.TryParseDecimalUInt64(Sysfs.SysfsValue.Attribute(raw), out var value) ? value
            : throw new InvalidDataException($"{path}: not an unsigned integer");
    }

    /// <summary>A one-value sysfs/procfs attribute as text without surrounding whitespace; null if unreadable.</summary>
    public static string? ReadTrimmed(string path) =>
        ReadAll(path) is { } bytes ? Encoding.UTF8.GetString(bytes.AsSpan().Trim(" \n\t\0"u8)) : null;

    public static ulong? ReadUInt64(string path) =>
        ReadAll(path) is { } bytes && Utf8Parser.TryParse(bytes.AsSpan().Trim(" \n\t"u8), out ulong value, out var consumed)
            && consumed == bytes.AsSpan().Trim(" \n\t"u8).Length ? value : null;

    public static long? ReadInt64(string path) =>
        ReadAll(path) is { } bytes && Utf8Parser.TryParse(bytes.AsSpan().Trim(" \n\t"u8), out long value, out var consumed)
            && consumed == bytes.AsSpan().Trim(" \n\t"u8).Length ? value : null;

    /// <summary>Names of the entries of a directory (files, directories, symlinks; not "." and ".."), sorted
    /// ordinally; empty when the directory does not exist. Read with readdir(3) alone: .NET's enumerator stats every
    /// symlink to learn whether it points to a directory, and sysfs class directories are all symlinks.</summary>
    public static IReadOnlyList<string> Entries(string directory)
    {
        var names = new List<string>();
        ForEachEntry(directory, names, static (names, name) => names.Add(Encoding.UTF8.GetString(name)));
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>How many entries a directory has (0 when it does not exist), without a string per entry.</summary>
    public static int CountEntries(string directory)
    {
        var count = new StrongBox<int>();
        ForEachEntry(directory, count, static (count, _) => count.Value++);
        return count.Value;
    }

    private static unsafe void ForEachEntry<TState>(string directory, TState state, EntryAction<TState> action)
    {
        var dir = OpenDir(directory);
        if (dir == 0)
        {
            return;
        }

        try
        {
            while (ReadDir(dir) is var entry && entry != 0)
            {
                // struct dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), then the NUL-terminated d_name.
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + 19);
                if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
                {
                    action(state, name);
                }
            }
        }
        finally
        {
            _ = CloseDir(dir);
        }
    }

    private delegate void EntryAction<TState>(TState state, ReadOnlySpan<byte> name);

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenDir(string path);

    [LibraryImport("libc", EntryPoint = "readdir64")]
    private static partial nint ReadDir(nint dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(nint dir);
}

/// <summary>An open sysfs device directory (an O_PATH descriptor), closed on dispose.</summary>
internal sealed class AttributeDirectory(int descriptor) : IDisposable
{
    public int Descriptor => descriptor;

    public void Dispose() => _ = KernelFile.CloseDescriptor(descriptor);
}
