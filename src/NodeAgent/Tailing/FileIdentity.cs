using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using NodeAgent.Delivery;

namespace NodeAgent.Tailing;

/// <summary>
/// Which file a log file is, whatever its name (DELIVERY.md rule 1): the device and inode it lives on, and a hash of
/// its first <see cref="FingerprintBytes"/> bytes, or of all of them while it is shorter, with the length covered.
/// Rename rotation keeps all four; copytruncate keeps the inode but changes the first bytes; a new file on a freed
/// inode has other first bytes. (Vector fingerprints the head of a file and Fluent Bit keys by inode; neither alone
/// tells inode reuse from rotation.)
/// <para>
/// The identity a file's documents are named by (<see cref="DocumentId"/>) is the one recorded when the file
/// was first read, never recomputed: it is stored in the file's checkpoint and a restart takes it from there after
/// <see cref="Matches(FileIdentity, SafeFileHandle)"/> confirmed the file, so the ids of a file that has grown past
/// its first fingerprint do not change. Readers fix the identity only once the file holds
/// <see cref="FingerprintBytes"/> bytes or has not grown for the partial-line timeout, so a short fingerprint is rare
/// and covers at least one whole line, whose RFC 3339 nanosecond timestamp (CRI and docker both start lines with
/// one) makes it unique. What remains is a crash after documents of such a short-fingerprint file were shipped and
/// before its first checkpoint was saved: after the restart the file, now longer, gets a full fingerprint and its
/// first lines new ids. Discovery closes that by saving the checkpoints (at the start offset) of the files it has just
/// opened before any of their lines is read.
/// </para>
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, ulong Fingerprint, int FingerprintLength)
{
    /// <summary>How many leading bytes the fingerprint covers once the file is long enough. 64 bytes hold a CRI line's
    /// timestamp, stream and tag and the start of its message.</summary>
    public const int FingerprintBytes = 64;

    /// <summary>True when the fingerprint covers <see cref="FingerprintBytes"/> bytes: it will never change again.</summary>
    public bool IsComplete => FingerprintLength >= FingerprintBytes;

    /// <summary>The key this file's document ids derive from on <paramref name="nodeName"/> (DELIVERY.md rule 3): computed
    /// once per file, then each line is named by its offset.</summary>
    public DocumentIdKey DocumentKey(string nodeName) => DocumentId.Key(nodeName, Device, Inode, Fingerprint, FingerprintLength);

    /// <summary>The identity of an open file now: statx for device and inode, then its first bytes.</summary>
    public static FileIdentity Read(SafeFileHandle handle)
    {
        var status = FileStatus.Of(handle);
        Span<byte> head = stackalloc byte[FingerprintBytes];
        var length = ReadAt(handle, head, 0);
        return From(status.Device, status.Inode, head[..length]);
    }

    /// <summary>The identity of a file on <paramref name="device"/>/<paramref name="inode"/> whose first bytes are
    /// <paramref name="head"/> (only the first <see cref="FingerprintBytes"/> count).</summary>
    public static FileIdentity From(ulong device, ulong inode, ReadOnlySpan<byte> head)
    {
        var covered = head[..Math.Min(head.Length, FingerprintBytes)];
        return new FileIdentity(device, inode, Hash(covered), covered.Length);
    }

    /// <summary>
    /// Whether the values can be the same file: same device and inode and, when both fingerprints cover the same
    /// length, the same fingerprint. With lengths that differ the values cannot tell (the shorter one was taken while
    /// the file was shorter), so this is only a pre-check: false is certain, true with unequal lengths must be
    /// confirmed with the bytes by <see cref="Matches(FileIdentity, SafeFileHandle)"/>.
    /// </summary>
    public bool SameFile(FileIdentity other) =>
        Device == other.Device && Inode == other.Inode
        && (FingerprintLength != other.FingerprintLength || Fingerprint == other.Fingerprint);

    /// <summary>Whether the open file is the one <paramref name="stored"/> was taken from: same device and inode, and
    /// its first <c>stored.FingerprintLength</c> bytes hash the same. A file now shorter than that was truncated
    /// (copytruncate) and is another file.</summary>
    public static bool Matches(FileIdentity stored, SafeFileHandle handle)
    {
        var status = FileStatus.Of(handle);
        if (status.Device != stored.Device || status.Inode != stored.Inode)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[FingerprintBytes];
        var wanted = Math.Clamp(stored.FingerprintLength, 0, FingerprintBytes);
        var length = ReadAt(handle, head[..wanted], 0);
        return Matches(stored, status.Device, status.Inode, head[..length]);
    }

    /// <summary><see cref="Matches(FileIdentity, SafeFileHandle)"/> over bytes already read: <paramref name="head"/>
    /// is the file's beginning, at least <c>stored.FingerprintLength</c> bytes of it for a match.</summary>
    public static bool Matches(FileIdentity stored, ulong device, ulong inode, ReadOnlySpan<byte> head) =>
        device == stored.Device && inode == stored.Inode
        && stored.FingerprintLength is >= 0 and <= FingerprintBytes
        && head.Length >= stored.FingerprintLength
        && Hash(head[..stored.FingerprintLength]) == stored.Fingerprint;

    /// <summary>The 64-bit hash used for fingerprints and checkpoint tails: the first 8 bytes of SHA-256, little
    /// endian. It is persisted in checkpoints and feeds document ids, so it must never change between versions; a
    /// standardized hash guarantees that, and at most 64 bytes per call cost nothing next to reading the file.</summary>
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }

    /// <summary>Reads from <paramref name="offset"/> until <paramref name="buffer"/> is full or the file ends; the
    /// count read. pread(2) on a regular file returns less than asked only at the end, but a loop costs nothing.</summary>
    public static int ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}

/// <summary>What statx(2) says about a file: the device and inode that identify it, its size, and its type (the
/// S_IFMT bits of its mode).</summary>
internal readonly partial record struct FileStatus(ulong Device, ulong Inode, long Size)
{
    // statx(2): AT_FDCWD, AT_EMPTY_PATH (use the descriptor itself), STATX_TYPE | STATX_INO | STATX_SIZE, and
    // STATX_CTIME | STATX_MTIME (free: the kernel fills them anyway; DirectoryListings reads them). The device
    // numbers are always filled in, whatever the mask. statx has one layout on every architecture, unlike struct stat,
    // which is why it is used rather than fstat; glibc emulates it with fstatat on kernels older than 4.11.
    private const int CurrentDirectory = -100;
    private const int EmptyPath = 0x1000;
    private const uint TypeBit = 0x1;
    private const uint InodeAndSize = 0x100 | 0x200;
    private const uint Times = 0x40 | 0x80;
    private const uint Wanted = TypeBit | InodeAndSize | Times;
    private const int StatxBytes = 256;
    private const uint TypeMask = 0xF000;
    private const uint RegularFileType = 0x8000;
    private const uint DirectoryType = 0x4000;

    /// <summary>The S_IFMT bits of stx_mode; 0 when statx did not report the type.</summary>
    public uint Type { get; init; }

    /// <summary>A regular file: not a FIFO, socket, device or directory (inode(7), S_IFREG).</summary>
    public bool IsRegularFile => Type == RegularFileType;

    /// <summary>A directory (S_IFDIR).</summary>
    public bool IsDirectory => Type == DirectoryType;

    /// <summary>stx_mtime in nanoseconds since the epoch (0 when not reported): for a directory, when an entry was
    /// last added, removed or renamed.</summary>
    public long ModifiedNanoseconds { get; init; }

    /// <summary>stx_ctime in nanoseconds since the epoch (0 when not reported).</summary>
    public long ChangedNanoseconds { get; init; }

    /// <summary>The status of an open file; throws <see cref="IOException"/> when statx fails.</summary>
    public static unsafe FileStatus Of(SafeFileHandle handle)
    {
        byte* buffer = stackalloc byte[StatxBytes];
        var added = false;
        int rc;
        int errno;
        handle.DangerousAddRef(ref added);
        try
        {
            fixed (byte* empty = "\0"u8)
            {
                rc = Statx((int)handle.DangerousGetHandle(), empty, EmptyPath, Wanted, buffer);
                errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return rc == 0 ? Decode(new ReadOnlySpan<byte>(buffer, StatxBytes))
            : throw new IOException($"statx of an open file failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    /// <summary>The status of the file a path leads to (symlinks followed, as /var/log/containers links are), without
    /// opening it: false when it cannot be reached.</summary>
    public static unsafe bool TryOf(string path, out FileStatus status)
    {
        byte* buffer = stackalloc byte[StatxBytes];
        var maxBytes = System.Text.Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        var utf8 = maxBytes <= 1024 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = System.Text.Encoding.UTF8.GetBytes(path, utf8);
        utf8[length] = 0;
        int rc;
        fixed (byte* name = utf8)
        {
            rc = Statx(CurrentDirectory, name, 0, Wanted, buffer);
        }

        status = rc == 0 ? Decode(new ReadOnlySpan<byte>(buffer, StatxBytes)) : default;
        return rc == 0;
    }

    /// <summary>Decodes struct statx (include/uapi/linux/stat.h): stx_mask at 0, stx_mode at 28, stx_ino at 32,
    /// stx_size at 40, stx_ctime at 96 and stx_mtime at 112 (seconds as s64, then nanoseconds as u32), stx_dev_major at
    /// 136 and stx_dev_minor at 140. The device is folded as glibc's makedev does, so it equals
    /// st_dev from stat(2) and <c>stat -c %d</c>.</summary>
    internal static FileStatus Decode(ReadOnlySpan<byte> statx)
    {
        var mask = MemoryMarshal.Read<uint>(statx);
        if ((mask & InodeAndSize) != InodeAndSize)
        {
            throw new IOException("statx did not report the inode and size of the file");
        }

        var inode = MemoryMarshal.Read<ulong>(statx[32..]);
        var size = MemoryMarshal.Read<ulong>(statx[40..]);
        var major = (ulong)MemoryMarshal.Read<uint>(statx[136..]);
        var minor = (ulong)MemoryMarshal.Read<uint>(statx[140..]);
        var device = ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff);
        var type = (mask & TypeBit) != 0 ? MemoryMarshal.Read<ushort>(statx[28..]) & TypeMask : 0;
        return new FileStatus(device, inode, (long)size)
        {
            Type = type,
            ChangedNanoseconds = (mask & 0x80) != 0 ? Nanoseconds(statx[96..]) : 0,
            ModifiedNanoseconds = (mask & 0x40) != 0 ? Nanoseconds(statx[112..]) : 0,
        };
    }

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (MemoryMarshal.Read<long>(timestamp) * 1_000_000_000) + MemoryMarshal.Read<uint>(timestamp[8..]);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static unsafe partial int Statx(int directory, byte* path, int flags, uint mask, byte* buffer);
}
