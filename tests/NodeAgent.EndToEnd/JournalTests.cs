using System.Globalization;
using System.Text;
using System.Text.Json;
using NodeAgent.ElasticsearchEmulation;
using NodeAgent.EndToEnd.Support;
using NodeAgent.TestSupport;

namespace NodeAgent.EndToEnd;

/// <summary>
/// The systemd journal (issue 14, point 2) through the real agent: journal files written by systemd-journal-remote
/// under a journal directory of the test's own ship every entry once into <c>logs-journald.logs-default</c>, each
/// document's fields as <c>journalctl -o json</c> reads the entry; a kill -9, entries appended to the same file by a
/// second systemd-journal-remote run and a new journal file, and a restart: every entry exactly once, none lost.
/// </summary>
public sealed class JournalTests
{
    private const string Stream = "logs-journald.logs-default";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [JournalFact]
    public async Task Every_entry_ships_once_into_the_journald_data_stream_across_a_kill_and_a_restart()
    {
        using var config = new AgentConfig();
        await using var emulator = await ElasticsearchEmulator.StartAsync();
        var journal = Path.Combine(config.Root, "journal");
        var system = Path.Combine(journal, "0123456789abcdef0123456789abcdef", "system.journal");
        Directory.CreateDirectory(Path.GetDirectoryName(system)!);
        JournalRemote.Write(system, Export(0, 200));

        string[] arguments = ["--Journal:Enabled=true", $"--Journal:Paths:0={journal}", $"--Elasticsearch:Urls:0={emulator.Url}", "--Elasticsearch:FlushInterval=200ms"];
        await using (var agent = await config.StartAgentAsync(arguments))
        {
            await Eventually.ValueAsync(() => emulator.Count(Stream), n => n >= 200, "the first 200 entries stored", Wait);
            // Checkpoints are written about every second: wait for one past the entries, then kill without a goodbye.
            await Task.Delay(1500);
            agent.Signal(AgentProcess.SigKill);
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        // While the agent is down: a second systemd-journal-remote run appends to the file, and a new journal appears.
        JournalRemote.Write(system, Export(200, 50));
        var other = Path.Combine(journal, "fedcba9876543210fedcba9876543210", "system.journal");
        Directory.CreateDirectory(Path.GetDirectoryName(other)!);
        JournalRemote.Write(other, Export(1000, 30));

        await using (var agent = await config.StartAgentAsync(arguments))
        {
            await Eventually.ValueAsync(() => emulator.Count(Stream), n => n >= 280, "every entry stored", Wait);
            await Task.Delay(1000);
            agent.Signal(AgentProcess.SigTerm);
            Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        var expected = new[] { system, other }.SelectMany(path => JournalRemote.Entries(path).Select(e => (Path: path, Entry: e))).ToList();
        Assert.Equal(280, expected.Count);
        Assert.Equal(280, emulator.Count(Stream));
        Assert.Equal(280, emulator.Ids(Stream).Distinct().Count());
        Assert.True(emulator.IsDataStream(Stream));
        var documents = emulator.Documents(Stream).ToDictionary(d => (d.GetProperty("log").GetProperty("file").GetProperty("path").GetString()!, d.GetProperty("log").GetProperty("offset").GetUInt64()));
        foreach (var (path, entry) in expected)
        {
            AssertDocument(documents[(path, JournalRemote.Seqnum(entry))], entry, config.NodeName);
        }

        // The entries sent again after the kill (read but not yet checkpointed) were answered 409, never stored twice.
        Assert.Equal(0, emulator.Stats.ItemsMappingError);
        Assert.Equal(280, emulator.Stats.ItemsCreated);
        var checkpoints = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(config.Root, "state", "journal.json"))).RootElement.GetProperty("checkpoints");
        Assert.Equal(2, checkpoints.GetArrayLength());
    }

    private static void AssertDocument(JsonElement document, JsonElement entry, string nodeName)
    {
        var realtime = ulong.Parse(entry.GetProperty("__REALTIME_TIMESTAMP").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(
            DateTimeOffset.UnixEpoch.AddTicks((long)realtime * 10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            document.GetProperty("@timestamp").GetString());
        Assert.Equal(Escaped(JournalRemote.Bytes(entry, "MESSAGE") ?? []), document.GetProperty("message").GetString());
        var log = document.GetProperty("log");
        var syslog = log.GetProperty("syslog");
        Assert.Equal(int.Parse(Text(entry, "PRIORITY"), CultureInfo.InvariantCulture), syslog.GetProperty("priority").GetInt32());
        Assert.Equal(Text(entry, "SYSLOG_IDENTIFIER"), syslog.GetProperty("appname").GetString());
        Assert.Equal(Text(entry, "_SYSTEMD_UNIT"), document.GetProperty("systemd").GetProperty("unit").GetString());
        Assert.Equal(Text(entry, "_TRANSPORT"), document.GetProperty("systemd").GetProperty("transport").GetString());
        Assert.Equal(long.Parse(Text(entry, "_PID"), CultureInfo.InvariantCulture), document.GetProperty("process").GetProperty("pid").GetInt64());
        Assert.Equal(nodeName, document.GetProperty("host").GetProperty("name").GetString());
        Assert.Equal("journald.logs", document.GetProperty("data_stream").GetProperty("dataset").GetString());
        Assert.Equal("journald.logs", document.GetProperty("event").GetProperty("dataset").GetString());
        Assert.False(document.TryGetProperty("stream", out _));
        var binary = !Encoding.UTF8.GetString(JournalRemote.Bytes(entry, "MESSAGE") ?? []).AsSpan().SequenceEqual(document.GetProperty("message").GetString());
        Assert.Equal(binary, log.TryGetProperty("flags", out var flags) && flags.EnumerateArray().Any(f => f.GetString() == "invalid_utf8"));
    }

    private static string Text(JsonElement entry, string field) => Encoding.UTF8.GetString(JournalRemote.Bytes(entry, field)!);

    /// <summary>The message as the agent ships it: UTF-8 as it is, each byte of an invalid sequence as <c>\xNN</c>.</summary>
    private static string Escaped(byte[] message)
    {
        var text = new StringBuilder();
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (var i = 0; i < message.Length;)
        {
            var length = message[i] < 0x80 ? 1 : message[i] >= 0xF0 ? 4 : message[i] >= 0xE0 ? 3 : message[i] >= 0xC0 ? 2 : 0;
            try
            {
                text.Append(decoder.GetString(message, i, Math.Min(Math.Max(length, 1), message.Length - i)));
                i += Math.Max(length, 1);
            }
            catch (DecoderFallbackException)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{message[i]:x2}");
                i++;
            }
        }

        return text.ToString();
    }

    /// <summary>Entries as a node's journal holds them: kubelet's and containerd's through stdout, the kernel's, and
    /// now and then a message of several lines, one with a byte that is not UTF-8, and one without a message.</summary>
    private static byte[] Export(int first, int count)
    {
        using var output = new MemoryStream();
        for (var i = first; i < first + count; i++)
        {
            var (unit, identifier, transport, pid) = (i % 3) switch
            {
                0 => ("kubelet.service", "kubelet", "stdout", 812),
                1 => ("containerd.service", "containerd", "stdout", 640),
                _ => ("init.scope", "kernel", "kernel", 1),
            };
            byte[] message = (i % 17) switch
            {
                5 => Encoding.UTF8.GetBytes($"entry {i}: panic: boom\ngoroutine 1 [running]:\nmain.main()"),
                9 => [.. Encoding.ASCII.GetBytes($"entry {i}: bad byte "), 0xff, (byte)'!'],
                _ => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"entry {i}: E1128 10:00:{i % 60:00}.000000 pod sync ünïcødé")),
            };
            var fields = new List<(string, byte[])>
            {
                ("PRIORITY", Encoding.ASCII.GetBytes((i % 8).ToString(CultureInfo.InvariantCulture))),
                ("SYSLOG_IDENTIFIER", Encoding.ASCII.GetBytes(identifier)),
                ("_SYSTEMD_UNIT", Encoding.ASCII.GetBytes(unit)),
                ("_TRANSPORT", Encoding.ASCII.GetBytes(transport)),
                ("_PID", Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture))),
            };
            if (i % 23 != 7)
            {
                fields.Add(("MESSAGE", message));
            }

            JournalRemote.WriteEntry(output, 1_795_860_900_000_000 + (ulong)i * 1_000_003, fields);
        }

        return output.ToArray();
    }
}
