using System.Runtime.InteropServices;
using System.Text;
using NodeAgent.Telemetry;

namespace NodeAgent.Metrics.Collectors;

/// <summary>The six strings of <c>struct utsname</c>.</summary>
internal readonly record struct UnameReading(string SysName, string NodeName, string Release, string Version, string Machine, string DomainName);

/// <summary>uname(2); throws on failure.</summary>
internal delegate UnameReading UnameCall();

/// <summary>
/// node_exporter's uname collector (collector/uname.go, uname_linux.go): <c>node_uname_info</c> with the uname(2)
/// fields as labels. The values come from uname(2) as in node_exporter, not from
/// /proc/sys/kernel/{ostype,osrelease,version,hostname,domainname}: those files have no <c>machine</c> (the
/// architecture), and uname(2) reports nodename/domainname of the agent's UTS namespace exactly as node_exporter's
/// own call does (the host's, with the DaemonSet's hostNetwork).
/// </summary>
internal sealed partial class UnameCollector : INodeCollector
{
    private readonly UnameCall _uname;

    public UnameCollector(CollectorContext context)
        : this(context, Native.Uname)
    {
    }

    /// <summary>With another uname(2), for tests. The context is unused: uname(2) needs no host paths.</summary>
    public UnameCollector(CollectorContext context, UnameCall uname)
    {
        ArgumentNullException.ThrowIfNull(context);
        _uname = uname;
    }

    public static CollectorDescriptor Descriptor { get; } = new("uname", true, (context, _) => new UnameCollector(context));

    public string Name => Descriptor.Name;

    public CollectResult Collect(MetricWriter writer, CancellationToken cancellation)
    {
        var u = _uname();
        writer.Family("node_uname_info", MetricType.Gauge, "Labeled system information as provided by the uname system call.");
        writer.Sample(1,
            "domainname", u.DomainName,
            "machine", u.Machine,
            "nodename", u.NodeName,
            "release", u.Release,
            "sysname", u.SysName,
            "version", u.Version);
        return CollectResult.Success;
    }

    private static partial class Native
    {
        // struct utsname on Linux (glibc and musl): six NUL-terminated fields of _UTSNAME_LENGTH (65) bytes.
        private const int FieldLength = 65;

        public static unsafe UnameReading Uname()
        {
            var buffer = stackalloc byte[FieldLength * 6];
            if (uname(buffer) != 0)
            {
                throw new IOException($"uname failed: errno {Marshal.GetLastPInvokeError()}");
            }

            var all = new ReadOnlySpan<byte>(buffer, FieldLength * 6);
            return new UnameReading(Field(all, 0), Field(all, 1), Field(all, 2), Field(all, 3), Field(all, 4), Field(all, 5));
        }

        private static string Field(ReadOnlySpan<byte> all, int index)
        {
            var field = all.Slice(index * FieldLength, FieldLength);
            var end = field.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
        }

        [LibraryImport("libc", EntryPoint = "uname", SetLastError = true)]
        private static unsafe partial int uname(byte* buffer);
    }
}
