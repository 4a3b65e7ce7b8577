using System.Collections;
using NodeAgent.Hosting;
using NodeAgent.Tailing.Journald;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>The Journal:* keys: declared, read with their defaults, checked, and shown by check-config.</summary>
public sealed class JournalConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ConfigReport Read(params string[] arguments)
    {
        var (layers, errors) = ConfigLayers.Load(Path.Combine(_dir.Path, "absent.json"), null, new Hashtable(), arguments);
        return AgentOptionsReader.Read(layers, errors, null, "the-host");
    }

    private string Existing(string name) => Directory.CreateDirectory(Path.Combine(_dir.Path, name)).FullName;

    [Fact]
    public void The_defaults_are_journalds_directories_every_unit_and_the_journald_data_stream()
    {
        var journal = Read().Options!.Journal;

        Assert.Equal(["/var/log/journal", "/run/log/journal"], journal.Paths);
        Assert.Empty(journal.Units);
        Assert.Equal("logs-journald.logs-default", journal.DataStream.ToString());
        Assert.Equal(Directory.Exists("/var/log/journal") || Directory.Exists("/run/log/journal"), journal.Enabled);
        // The console output: the agent's own entries (a systemd unit's stdout) must not come back.
        Assert.True(journal.SkipOwnEntries);
    }

    [Fact]
    public void It_is_on_by_default_when_a_journal_directory_exists_and_off_when_none_does()
    {
        var present = Existing("journal");
        var absent = Path.Combine(_dir.Path, "absent");

        Assert.True(Read($"--Journal:Paths:0={absent}", $"--Journal:Paths:1={present}").Options!.Journal.Enabled);
        Assert.False(Read($"--Journal:Paths:0={absent}").Options!.Journal.Enabled);
        Assert.False(Read($"--Journal:Paths:0={present}", "--Journal:Enabled=false").Options!.Journal.Enabled);
    }

    [Fact]
    public void It_is_off_with_the_log_pipeline_and_asking_for_it_then_is_an_error()
    {
        var present = Existing("journal");

        Assert.False(Read($"--Journal:Paths:0={present}", "--Logs:Enabled=false").Options!.Journal.Enabled);
        var report = Read($"--Journal:Paths:0={present}", "--Logs:Enabled=false", "--Journal:Enabled=true");
        Assert.Contains(report.Errors, e => e.Contains("Journal:Enabled: is true but Logs:Enabled is false", StringComparison.Ordinal));
    }

    [Fact]
    public void Asking_for_it_without_a_journal_directory_warns_and_runs()
    {
        var report = Read($"--Journal:Paths:0={Path.Combine(_dir.Path, "absent")}", "--Journal:Enabled=true");

        Assert.True(report.Options!.Journal.Enabled);
        Assert.Contains(report.Warnings, w => w.StartsWith("Journal:Paths: none of", StringComparison.Ordinal));
    }

    [Fact]
    public void Units_are_a_list_and_the_elasticsearch_output_ships_the_agents_own_entries()
    {
        var options = Read("--Journal:Units=kubelet, containerd.service", "--Elasticsearch:Urls:0=http://127.0.0.1:9200").Options!;

        Assert.Equal(["kubelet", "containerd.service"], options.Journal.Units);
        Assert.False(options.Journal.SkipOwnEntries);
    }

    [Theory]
    [InlineData("logs-journald-logs-default", "Journal:DataStream: 'logs-journald-logs-default' is not a data stream name")]
    [InlineData("Logs-journald.logs-default", "Journal:DataStream: 'Logs-journald.logs-default' is not a data stream name")]
    public void A_data_stream_name_the_scheme_cannot_split_is_an_error(string name, string expected)
    {
        var report = Read($"--Journal:DataStream={name}");

        Assert.Contains(report.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void With_an_index_there_is_no_journal_data_stream()
    {
        Assert.Null(Read("--Elasticsearch:Index=app-logs", "--Journal:DataStream=not a name").Options!.Journal.DataStream);
    }

    [Fact]
    public void A_relative_path_is_an_error()
    {
        Assert.Contains(Read("--Journal:Paths:0=var/log/journal").Errors, e => e.Contains("Journal:Paths: 'var/log/journal' is not an absolute path", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_config_shows_the_journal_keys()
    {
        var values = EffectiveConfig.Values(Read("--Journal:Units:0=kubelet", $"--Journal:Paths:0={Existing("j")}").Options!);

        Assert.Equal(true, values["Journal:Enabled"]);
        Assert.Equal(["kubelet"], (IEnumerable<string>)values["Journal:Units"]!);
        Assert.Equal("logs-journald.logs-default", values["Journal:DataStream"]);
    }

    [Fact]
    public void An_unknown_journal_key_is_an_error()
    {
        Assert.Contains(Read("--Journal:Unit=kubelet").Errors, e => e.Contains("Journal:Unit", StringComparison.Ordinal));
    }
}
