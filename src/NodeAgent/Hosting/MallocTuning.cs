using System.Runtime.InteropServices;

namespace NodeAgent.Hosting;

/// <summary>
/// glibc's malloc serves blocks above its mmap threshold from mappings of their own, returned to the kernel when
/// freed, but it raises that threshold each time such a block is freed (up to 32 MiB). zlib's deflate state (about
/// 300 KiB, one per gzip body) then comes from the heap arenas, which keep freed memory resident: 9 to 18 MiB of the
/// agent's RSS while shipping, measured with bench/ship_vs_syslog_ng.py --memory-map. A fixed threshold (glibc's
/// documented <c>M_MMAP_THRESHOLD</c>, also settable as <c>MALLOC_MMAP_THRESHOLD_</c>) keeps those blocks out of the
/// arenas. An operator's own <c>MALLOC_MMAP_THRESHOLD_</c> wins; on a libc without the knob this is a no-op.
/// </summary>
internal static partial class MallocTuning
{
    // M_MMAP_THRESHOLD in <malloc.h>.
    private const int MmapThresholdParameter = -3;
    private const int MmapThreshold = 64 * 1024;

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null)
        {
            return;
        }

        try
        {
            _ = SetMallocOption(MmapThresholdParameter, MmapThreshold);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing to tune.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int SetMallocOption(int parameter, int value);
}
