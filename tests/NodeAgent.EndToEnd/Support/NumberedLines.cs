using System.Globalization;
using System.Text.Json;
using NodeAgent.ElasticsearchEmulation;

namespace NodeAgent.EndToEnd.Support;

/// <summary>Numbered CRI lines in one pod container's log, and how to check what the cluster holds of them: line
/// <c>i</c> says <c>line {i:000000} of the test</c>, and its timestamp and stream derive from <c>i</c>, so every stored
/// document can be traced to the one line it came from.</summary>
internal static class NumberedLines
{
    /// <summary>The data stream the agent writes to by default.</summary>
    public const string Target = "logs-kubernetes.container_logs-default";

    public static string LogPath(AgentConfig config) => Path.Combine(config.Root, "pods", "shop_web-0_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "app", "0.log");

    /// <summary>The agent's arguments to tail <see cref="LogPath"/> and ship to <paramref name="url"/>, flushing every 200 ms.</summary>
    public static string[] AgentArguments(AgentConfig config, Uri url) =>
        [$"--Logs:Include:0={config.Root}/pods/*/*/*.log", $"--Elasticsearch:Urls:0={url}", "--Elasticsearch:FlushInterval=200ms"];

    public static string Message(int i) => string.Create(CultureInfo.InvariantCulture, $"line {i:000000} of the test");

    /// <summary>Appends lines <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> - 1.</summary>
    public static void Write(string path, int from, int count, Func<int, string>? message = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        using var writer = new StreamWriter(stream);
        for (var i = from; i < from + count; i++)
        {
            var text = message?.Invoke(i) ?? Message(i);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:{i / 60 % 60:00}:{i % 60:00}.{i:000000000}Z {(i % 7 == 0 ? "stderr" : "stdout")} F {text}\n"));
        }
    }

    /// <summary>The messages of lines 0 to <paramref name="count"/> - 1, in order.</summary>
    public static List<string> Expected(int count) => [.. Enumerable.Range(0, count).Select(Message)];

    /// <summary>The stored documents' messages, sorted, duplicates kept: equal to <see cref="Expected"/> only when every
    /// line is there once.</summary>
    public static List<string> Messages(IEnumerable<JsonElement> documents) =>
        [.. documents.Select(d => d.GetProperty("message").GetString()!).Order(StringComparer.Ordinal)];

    public static List<string> Messages(ElasticsearchEmulator emulator) => Messages(emulator.Documents(Target));

    /// <summary>Every stored document has the fields of the line it came from: its own nanosecond timestamp and stream
    /// (both derived from the line number in <see cref="Write"/>) and the pod's metadata from the path.</summary>
    public static void AssertFields(IEnumerable<JsonElement> documents)
    {
        foreach (var document in documents)
        {
            var message = document.GetProperty("message").GetString()!;
            var i = int.Parse(message.AsSpan(5, 6), CultureInfo.InvariantCulture);
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"2026-11-28T10:{i / 60 % 60:00}:{i % 60:00}.{i:000000000}Z"), document.GetProperty("@timestamp").GetString());
            Assert.Equal(i % 7 == 0 ? "stderr" : "stdout", document.GetProperty("stream").GetString());
            var kubernetes = document.GetProperty("kubernetes");
            Assert.Equal("shop", kubernetes.GetProperty("namespace").GetString());
            Assert.Equal("web-0", kubernetes.GetProperty("pod").GetProperty("name").GetString());
            Assert.Equal("app", kubernetes.GetProperty("container").GetProperty("name").GetString());
        }
    }

    /// <summary>The exact bound: the emulator holds lines 0 to <paramref name="written"/> - 1 each exactly once, with
    /// their fields, and stored exactly <paramref name="written"/> documents over the whole run (a line sent again
    /// under another id would be a created document more; its store is keyed by id, so counting what it holds could
    /// not show that), none overwritten.</summary>
    public static void AssertEachLineStoredOnce(ElasticsearchEmulator emulator, int written)
    {
        var documents = emulator.Documents(Target);
        Assert.Equal(Expected(written), Messages(documents));
        AssertFields(documents);
        var stats = emulator.Stats;
        Assert.Equal(written, stats.ItemsCreated);
        Assert.Equal(0, stats.ItemsUpdated);
        Assert.Equal(0, stats.ItemsOther);
    }

    /// <summary>Waits until the emulator holds <paramref name="count"/> documents, then a second more, in which anything
    /// stored twice would show.</summary>
    public static async Task WaitUntilStoredAsync(ElasticsearchEmulator emulator, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && emulator.Count(Target) < count)
        {
            await Task.Delay(100);
        }

        await Task.Delay(1000);
    }
}
