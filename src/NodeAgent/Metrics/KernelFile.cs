using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace NodeAgent.Metrics;

/// <summary>
/// Reads /proc, /sys and host files for the collectors: whole-file reads with one open, one or two reads and no
/// FileStream (procfs reports size 0; sysfs reports 4096), absent or unreadable files as null rather than exceptions,
/// since a missing file is the normal way the kernel says "no such feature".
/// </summary>
internal static class KernelFile
{
    public static byte[]? ReadAll(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        using (handle)
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

                    int read;
                    try
                    {
                        read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // sysfs attributes may fail on read (EIO, ENODATA) although they exist: treat as absent.
                        return null;
                    }

                    if (read == 0)
                    {
                        return buffer.AsSpan(0, total).ToArray();
                    }

                    total += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
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

    /// <summary>Names of the entries of a directory (files, directories, symlinks), sorted ordinally; empty when the
    /// directory does not exist.</summary>
    public static IReadOnlyList<string> Entries(string directory)
    {
        try
        {
            var names = Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
