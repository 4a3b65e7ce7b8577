using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodeAgent.Hosting;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

public sealed class JsonLineFormatterTests
{
    [Fact]
    public void One_json_object_per_line_with_time_level_message_and_properties()
    {
        var formatter = new JsonLineFormatter(new ManualTime(new DateTimeOffset(2026, 11, 28, 10, 15, 0, 123, TimeSpan.Zero)));
        var state = new List<KeyValuePair<string, object?>>
        {
            new("File", "/var/log/a.log"),
            new("Bytes", 42L),
            new("Ratio", double.NaN),
            new("{OriginalFormat}", "Read {Bytes} bytes from {File}"),
        };
        using var output = new StringWriter();
        var entry = new LogEntry<List<KeyValuePair<string, object?>>>(
            LogLevel.Warning, "NodeAgent.Tailing", new EventId(7, "Read"), state, new InvalidOperationException("boom"),
            (_, _) => "Read 42 bytes from /var/log/a.log");
        formatter.Write(entry, null, output);

        var text = output.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.Equal("2026-11-28T10:15:00.123Z", root.GetProperty("time").GetString());
        Assert.Equal("warn", root.GetProperty("level").GetString());
        Assert.Equal("NodeAgent.Tailing", root.GetProperty("category").GetString());
        Assert.Equal("Read", root.GetProperty("event").GetString());
        Assert.Equal("Read 42 bytes from /var/log/a.log", root.GetProperty("message").GetString());
        Assert.Equal(42, root.GetProperty("properties").GetProperty("Bytes").GetInt64());
        Assert.Equal("/var/log/a.log", root.GetProperty("properties").GetProperty("File").GetString());
        Assert.Equal("NaN", root.GetProperty("properties").GetProperty("Ratio").GetString());
        Assert.False(root.GetProperty("properties").TryGetProperty("{OriginalFormat}", out _));
        Assert.Contains("boom", root.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }
}
