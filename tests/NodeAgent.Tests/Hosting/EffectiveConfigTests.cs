using System.Collections;
using System.Text;
using System.Text.Json;
using NodeAgent.Hosting;

namespace NodeAgent.Tests.Hosting;

public sealed class EffectiveConfigTests
{
    private static JsonDocument Print(params string[] arguments)
    {
        var (layers, errors) = ConfigLayers.Load("/nonexistent/system.json", null, new Hashtable(), arguments);
        var report = AgentOptionsReader.Read(layers, errors, null, "host");
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        using var output = new MemoryStream();
        EffectiveConfig.Write(report.Options!, output);
        return JsonDocument.Parse(Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void Every_key_of_the_schema_is_printed()
    {
        using var doc = Print();
        foreach (var key in ConfigSchema.Keys)
        {
            var parts = key.Path.Split(':');
            Assert.True(doc.RootElement.TryGetProperty(parts[0], out var section), $"section {parts[0]} missing");
            Assert.True(section.TryGetProperty(parts[1], out _), $"{key.Path} missing");
        }
    }

    [Fact]
    public void Secrets_are_redacted_and_their_values_never_printed()
    {
        using var doc = Print("--Elasticsearch:Urls:0=https://es:9200", "--Elasticsearch:Username=ingest", "--Elasticsearch:Password=s3cr3t-pa55");
        var es = doc.RootElement.GetProperty("Elasticsearch");
        Assert.Equal(EffectiveConfig.Redacted, es.GetProperty("Password").GetString());
        Assert.Equal("ingest", es.GetProperty("Username").GetString());
        Assert.DoesNotContain("s3cr3t-pa55", doc.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, es.GetProperty("ApiKey").ValueKind);
    }

    [Fact]
    public void Values_print_in_the_units_users_write()
    {
        using var doc = Print("--Elasticsearch:FlushInterval=00:00:05");
        var es = doc.RootElement.GetProperty("Elasticsearch");
        Assert.Equal("5s", es.GetProperty("FlushInterval").GetString());
        Assert.Equal("2MiB", es.GetProperty("MaxBatchBytes").GetString());
        Assert.Equal("console", doc.RootElement.GetProperty("Output").GetProperty("Type").GetString());
    }
}
