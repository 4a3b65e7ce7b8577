using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Parsing;
using NodeAgent.Tailing;
using NodeAgent.Tests.Parsing;

namespace NodeAgent.Tests.Tailing;

/// <summary>
/// A line that a writer trickles into its file is read by many turns of the tail, each seeing a few more bytes: the
/// tail must search each byte for the line's end once, not the whole line again after every read (issue 11 point 4).
/// Two lines, one 8 times the other, each written and read in 100-byte steps: the work must grow about 8 times, not 64.
/// Each step's file reads are linear work that dilutes a quadratic search (measured: 7.8 times with the resumed search,
/// 25 times searching from the line's start), so the bound is twice the linear figure.
/// </summary>
public sealed class FileTailLongLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nodeagent-longline-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_line_trickled_in_small_reads_is_searched_once()
    {
        var ratio = Linearity.Ratio(() => Trickle(256 * 1024), () => Trickle(2048 * 1024));

        Assert.True(ratio < 2 * 8, $"a line 8 times longer took {ratio:F1} times as long to read in 100-byte steps");
    }

    /// <summary>Writes one CRI line's message of <paramref name="length"/> bytes 100 bytes at a time, pumping the
    /// tail after each write, then its '\n'; the tail must give exactly that one line.</summary>
    private void Trickle(int length)
    {
        var path = Path.Combine(_directory, $"{length}-{Guid.NewGuid():N}.log");
        var prefix = "2026-12-07T10:00:00.000000000Z stdout F "u8.ToArray();
        using var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite, 1);
        writer.Write(prefix);
        writer.Flush();
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var tail = new FileTail(path, handle, FileIdentity.Read(handle), 0, DocumentFields.Create("node-a", path, null),
            4 << 20, new LogDecoder(4 << 20));
        var records = new List<LogRecord>();
        var chunk = new byte[100];
        Array.Fill(chunk, (byte)'x');
        var now = DateTimeOffset.UnixEpoch;
        for (var written = 0; written < length; written += chunk.Length)
        {
            writer.Write(chunk, 0, Math.Min(chunk.Length, length - written));
            writer.Flush();
            tail.Pump(1 << 20, records, now);
        }

        writer.Write("\n"u8);
        writer.Flush();
        tail.Pump(1 << 20, records, now);

        var record = Assert.Single(records);
        Assert.Equal(length, record.Message.Length);
    }
}
