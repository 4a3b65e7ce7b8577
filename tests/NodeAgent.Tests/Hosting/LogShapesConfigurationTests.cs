using System.Collections;
using NodeAgent.Hosting;
using NodeAgent.Parsing.Multiline;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>Issue 14's keys: <c>Logs:Multiline</c>, <c>Logs:MultilineRules</c>, <c>Logs:MultilineFlushTimeout</c>,
/// <c>Logs:PlainDataStream</c>.</summary>
public sealed class LogShapesConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ConfigReport Read(string? fileJson = null, params string[] arguments)
    {
        var file = fileJson is null ? null : _dir.Write("config.json", fileJson);
        var (layers, errors) = ConfigLayers.Load(Path.Combine(_dir.Path, "absent.json"), file, new Hashtable(), arguments);
        return AgentOptionsReader.Read(layers, errors, null, "the-host");
    }

    [Fact]
    public void By_default_stack_traces_of_every_built_in_language_are_joined_within_a_second_and_host_files_have_their_own_stream()
    {
        var logs = Read().Options!.Logs;

        Assert.Same(MultilineRule.Auto, logs.Multiline);
        Assert.Empty(logs.MultilineRules);
        Assert.Equal(TimeSpan.FromSeconds(1), logs.MultilineFlushTimeout);
        Assert.Equal("logs-host.file-default", logs.PlainDataStream!.Value.ToString());
    }

    [Theory]
    [InlineData("none")]
    [InlineData("Java")]
    [InlineData("python")]
    public void A_built_in_mode_is_taken_by_name(string name) =>
        Assert.Equal(name.ToLowerInvariant(), Read(null, $"--Logs:Multiline={name}").Options!.Logs.Multiline.Name);

    [Fact]
    public void A_custom_rule_is_defined_by_its_two_expressions_and_chosen_by_its_name()
    {
        var report = Read("""{"Logs":{"Multiline":"legacy","MultilineRules":{"legacy":{"Start":"^\\d{4}-\\d{2}-\\d{2} ","Continue":"^\\s"}}}}""");

        var logs = report.Options!.Logs;
        Assert.Equal("legacy", logs.Multiline.Name);
        Assert.Equal(["legacy"], logs.MultilineRules.Keys);
        Assert.Equal(("^\\d{4}-\\d{2}-\\d{2} ", "^\\s"), logs.MultilinePatterns["legacy"]);
    }

    [Fact]
    public void An_unknown_mode_is_refused_naming_the_key_and_the_valid_names()
    {
        var report = Read(null, "--Logs:Multiline=cobol");

        Assert.Null(report.Options);
        var error = Assert.Single(report.Errors);
        Assert.Contains("Logs:Multiline", error, StringComparison.Ordinal);
        Assert.Contains("'cobol' is not a multiline mode", error, StringComparison.Ordinal);
        Assert.Contains("java", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_whose_expression_does_not_compile_is_refused_naming_it()
    {
        var report = Read("""{"Logs":{"MultilineRules":{"broken":{"Start":"(unclosed","Continue":"^\\s"}}}}""");

        Assert.Null(report.Options);
        Assert.Contains(report.Errors, e => e.Contains("Logs:MultilineRules:broken", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_part_that_does_not_exist_is_an_unknown_key()
    {
        var report = Read("""{"Logs":{"MultilineRules":{"r":{"Start":"^x","Continue":"^\\s","Stop":"^y"}}}}""");

        Assert.Null(report.Options);
        Assert.Contains(report.Errors, e => e.Contains("Logs:MultilineRules:r:Stop", StringComparison.Ordinal) && e.Contains("Start, Continue", StringComparison.Ordinal));
    }

    [Fact]
    public void A_plain_data_stream_outside_the_naming_scheme_is_refused_and_none_is_used_with_an_index()
    {
        var refused = Read(null, "--Logs:PlainDataStream=logs-host-file-x");
        Assert.Null(refused.Options);
        Assert.Contains(refused.Errors, e => e.Contains("Logs:PlainDataStream", StringComparison.Ordinal));

        Assert.Null(Read(null, "--Elasticsearch:Index=app-logs").Options!.Logs.PlainDataStream);
    }

    [Fact]
    public void Check_config_shows_the_rules_as_configured()
    {
        var options = Read("""{"Logs":{"MultilineRules":{"legacy":{"Start":"^\\d","Continue":"^\\s"}}}}""").Options!;
        using var output = new MemoryStream();
        EffectiveConfig.Write(options, output);
        var json = System.Text.Json.JsonDocument.Parse(output.ToArray()).RootElement.GetProperty("Logs");

        Assert.Equal("auto", json.GetProperty("Multiline").GetString());
        Assert.Equal("^\\d", json.GetProperty("MultilineRules").GetProperty("legacy").GetProperty("Start").GetString());
        Assert.Equal("1s", json.GetProperty("MultilineFlushTimeout").GetString());
        Assert.Equal("logs-host.file-default", json.GetProperty("PlainDataStream").GetString());
    }
}
