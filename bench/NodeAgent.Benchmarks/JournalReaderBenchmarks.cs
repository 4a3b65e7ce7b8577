using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using NodeAgent.Journal;

namespace NodeAgent.Benchmarks;

/// <summary>
/// <see cref="JournalFileReader"/> reading a real journal file of <see cref="EntryCount"/> entries from its start,
/// per entry. The file is written once by Debian's systemd-journal-remote (package systemd-journal-remote) from
/// export-format entries shaped like a node's journald ones: 21 fields, most repeating (unit, host, cgroup, command
/// line…), a unique MESSAGE of about 130 bytes. Each invocation opens the file and reads every entry with its fields.
/// </summary>
[MemoryDiagnoser]
public class JournalReaderBenchmarks
{
    private const int EntryCount = 100_000;

    private static readonly string[] RemotePaths = ["/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote"];

    private string _directory = "";
    private string _path = "";

    /// <summary>Compact (journald's default since systemd 252) or regular layout.</summary>
    [Params(true, false)]
    public bool Compact { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "nodeagent-journal-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "bench.journal");
        Write(_path, Compact);
        if (ReadAll() != EntryCount)
        {
            throw new InvalidOperationException("the reader did not read every entry");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(OperationsPerInvoke = EntryCount)]
    public int ReadAll()
    {
        using var reader = JournalFileReader.Open(_path);
        var count = 0;
        while (reader.TryReadNext(out var entry) == JournalReadStatus.Entry)
        {
            count += entry!.Fields.Count > 0 ? 1 : 0;
        }

        return count;
    }

    private static void Write(string path, bool compact)
    {
        var remote = RemotePaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("systemd-journal-remote is not installed (Debian package systemd-journal-remote)");
        var info = new ProcessStartInfo(remote, ["-o", path, "-"]) { RedirectStandardInput = true, RedirectStandardError = true };
        info.Environment["SYSTEMD_JOURNAL_COMPACT"] = compact ? "1" : "0";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using (var input = new BufferedStream(process.StandardInput.BaseStream, 1 << 16))
        {
            WriteEntries(input);
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"systemd-journal-remote exited {process.ExitCode}: {stderr.Result}");
        }
    }

    private static void WriteEntries(Stream input)
    {
        string[] units = ["kubelet", "containerd", "sshd", "cron", "systemd-logind", "NetworkManager"];
        var random = new Random(1);
        var line = new StringBuilder();
        for (var i = 0; i < EntryCount; i++)
        {
            var unit = units[i % units.Length];
            var pid = 1000 + i % 40;
            line.Clear()
                .Append(CultureInfo.InvariantCulture, $"__REALTIME_TIMESTAMP={1_700_000_000_000_000L + i * 1000L}\n")
                .Append(CultureInfo.InvariantCulture, $"__MONOTONIC_TIMESTAMP={5_000_000L + i * 1000L}\n")
                .Append("_BOOT_ID=0123456789abcdef0123456789abcdef\n_MACHINE_ID=3d1219c7c4c5404aaa1f6d2a48adfda4\n_HOSTNAME=node-1\n")
                .Append(i % 3 == 0 ? "_TRANSPORT=journal\n" : "_TRANSPORT=stdout\n")
                .Append(i % 10 == 0 ? "PRIORITY=3\n" : "PRIORITY=6\n")
                .Append(CultureInfo.InvariantCulture, $"SYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER={unit}\n_UID=0\n_GID=0\n_COMM={unit}\n_EXE=/usr/bin/{unit}\n")
                .Append(CultureInfo.InvariantCulture, $"_CMDLINE=/usr/bin/{unit} --config=/etc/{unit}/config.yaml --v=2\n_CAP_EFFECTIVE=1ffffffffff\n")
                .Append(CultureInfo.InvariantCulture, $"_SYSTEMD_CGROUP=/system.slice/{unit}.service\n_SYSTEMD_UNIT={unit}.service\n_SYSTEMD_SLICE=system.slice\n")
                .Append(CultureInfo.InvariantCulture, $"_SYSTEMD_INVOCATION_ID={i % units.Length + 77:x32}\n_PID={pid}\n_STREAM_ID={pid * 31:x32}\n")
                .Append(CultureInfo.InvariantCulture, $"MESSAGE=I1114 22:13:{i % 60:00}.{i:000000} {pid} reconciler.go:{100 + i % 300}] \"operationExecutor.VerifyControllerAttachedVolume started for volume\" pod=\"default/app-{random.Next(100_000)}\"\n\n");
            input.Write(Encoding.UTF8.GetBytes(line.ToString()));
        }
    }
}
