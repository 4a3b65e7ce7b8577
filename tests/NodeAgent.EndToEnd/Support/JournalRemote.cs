using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.EndToEnd.Support;

/// <summary>
/// Real journal files for the end-to-end tests: Debian's <c>systemd-journal-remote</c> (package
/// systemd-journal-remote, kept in /lib/systemd, off PATH) writes them from export-format text (systemd's
/// JOURNAL_EXPORT_FORMATS.md), appending when the file exists, and <c>journalctl --file … -o json</c> reads them
/// back as the reference. Missing tools skip the test outside tests/run-all.sh and CI, as <see cref="RequiredTool"/> says.
/// </summary>
internal static class JournalRemote
{
    public const string Remote = "systemd-journal-remote";
    public const string Journalctl = "journalctl";

    public static string SearchPath => $"{Environment.GetEnvironmentVariable("PATH")}:/lib/systemd:/usr/lib/systemd";

    public static string Path(string tool) =>
        RequiredTool.Find(tool, SearchPath) ?? throw new Xunit.Sdk.XunitException($"{tool} is not installed (Debian package {(tool == Remote ? "systemd-journal-remote" : "systemd")}): run tests/run-all.sh, which installs it");

    /// <summary>One entry in export format: the timestamps and boot id journald would have stamped, then the fields,
    /// a value holding a newline or a byte that is not text written in the binary form.</summary>
    public static void WriteEntry(Stream output, ulong realtime, IEnumerable<(string Name, byte[] Value)> fields)
    {
        output.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"__REALTIME_TIMESTAMP={realtime}\n__MONOTONIC_TIMESTAMP={realtime % 1_000_000_000}\n_BOOT_ID=0123456789abcdef0123456789abcdef\n")));
        Span<byte> length = stackalloc byte[8];
        foreach (var (name, value) in fields)
        {
            if (value.Any(b => b is (byte)'\n' or >= 0x80))
            {
                output.Write(Encoding.ASCII.GetBytes(name + "\n"));
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)value.Length);
                output.Write(length);
                output.Write(value);
                output.WriteByte((byte)'\n');
            }
            else
            {
                output.Write(Encoding.ASCII.GetBytes(name + "="));
                output.Write(value);
                output.WriteByte((byte)'\n');
            }
        }

        output.WriteByte((byte)'\n');
    }

    /// <summary>Writes (or appends) the entries into the journal file at <paramref name="path"/>, compact layout with
    /// keyed hashes and zstd as systemd 252 writes by default.</summary>
    public static void Write(string path, byte[] export)
    {
        var info = new ProcessStartInfo(Path(Remote), ["--compress=yes", "-o", path, "-"])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        info.Environment["SYSTEMD_JOURNAL_COMPACT"] = "1";
        info.Environment["SYSTEMD_JOURNAL_KEYED_HASH"] = "1";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(export);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), $"{Remote} did not finish");
        Assert.True(process.ExitCode == 0, $"{Remote} exited {process.ExitCode}: {stderr.Result}");
    }

    /// <summary>journalctl's JSON of every entry of the file, in file order.</summary>
    public static List<JsonElement> Entries(string path)
    {
        var info = new ProcessStartInfo(Path(Journalctl), ["--file", path, "-o", "json", "--all", "--no-pager"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), $"{Journalctl} did not finish");
        Assert.True(process.ExitCode == 0, $"{Journalctl} exited {process.ExitCode}: {stderr.Result}");
        return [.. stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.Clone();
        })];
    }

    /// <summary>A field's bytes as journalctl's JSON gives them: a string, or an array of byte values for a value that
    /// is not printable text; null when the entry has no such field.</summary>
    public static byte[]? Bytes(JsonElement entry, string field) =>
        !entry.TryGetProperty(field, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(value.GetString()!)
        : [.. value.EnumerateArray().Select(b => (byte)b.GetInt32())];

    /// <summary>The entry's seqnum, the <c>i=</c> of its cursor.</summary>
    public static ulong Seqnum(JsonElement entry) =>
        ulong.Parse(entry.GetProperty("__CURSOR").GetString()!.Split(';').Single(p => p.StartsWith("i=", StringComparison.Ordinal)).AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}

/// <summary>A fact that writes journal files: skipped, with the reason, when systemd-journal-remote or journalctl is
/// missing outside tests/run-all.sh and CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class JournalFactAttribute : FactAttribute
{
    public JournalFactAttribute() =>
        Skip = RequiredTool.SkipReason([JournalRemote.Remote, JournalRemote.Journalctl], name => name == "PATH" ? JournalRemote.SearchPath : Environment.GetEnvironmentVariable(name));
}
