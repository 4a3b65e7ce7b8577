using System.Collections;
using NodeAgent.Hosting;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tailing;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>The configuration contract end to end inside the process: sources, their order, unknown keys, values.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ConfigReport Read(
        string? systemJson = null,
        string? fileJson = null,
        IDictionary? environment = null,
        string[]? arguments = null,
        string? nodeNameEnv = null)
    {
        var system = systemJson is null ? Path.Combine(_dir.Path, "absent.json") : _dir.Write("system.json", systemJson);
        var file = fileJson is null ? null : _dir.Write("config.json", fileJson);
        var (layers, errors) = ConfigLayers.Load(system, file, environment ?? new Hashtable(), arguments ?? []);
        return AgentOptionsReader.Read(layers, errors, nodeNameEnv, "the-host");
    }

    [Fact]
    public void Defaults_are_the_contract_defaults()
    {
        var o = Read().Options!;
        Assert.Equal("the-host", o.NodeName);
        Assert.Equal("0.0.0.0:9100", o.ListenAddress.ToString());
        Assert.Equal(NodePaths.Host, o.Paths);
        Assert.True(o.Metrics.Enabled);
        Assert.True(o.Logs.Enabled);
        Assert.Equal(["/var/log/containers/*.log"], o.Logs.Include);
        Assert.Empty(o.Logs.Exclude);
        Assert.Equal("/var/lib/node-agent", o.Logs.StatePath);
        Assert.True(o.Logs.ReadFromHead);
        Assert.Equal(OutputKind.Console, o.Output);
        Assert.Equal("logs-kubernetes.container_logs-default", o.Elasticsearch.DataStream);
        Assert.True(o.Elasticsearch.Gzip);
        Assert.Equal(TimeSpan.FromSeconds(1), o.Elasticsearch.FlushInterval);
        // 2 MiB since issue 12 (CONTRACT.md said 5 MiB): the peak memory of shipping at full speed, see README "Cost per line".
        Assert.Equal(2L << 20, o.Elasticsearch.MaxBatchBytes);
        Assert.Equal(8L << 20, o.Logs.MaxBufferedBytes);
        Assert.Equal(LogFormat.Json, o.Logging.Format);
        Assert.True(o.Metrics.Collectors["cpu"]);
        Assert.False(o.Metrics.Collectors["processes"]);
    }

    [Fact]
    public void Later_sources_win_in_the_contract_order()
    {
        const string key = "Http:ListenAddress";
        Assert.Equal("127.0.0.1:1", Read(systemJson: """{"Http":{"ListenAddress":"127.0.0.1:1"}}""").Options!.ListenAddress.ToString());
        Assert.Equal("127.0.0.1:2", Read(
            systemJson: """{"Http":{"ListenAddress":"127.0.0.1:1"}}""",
            fileJson: """{"Http":{"ListenAddress":"127.0.0.1:2"}}""").Options!.ListenAddress.ToString());
        Assert.Equal("127.0.0.1:3", Read(
            fileJson: """{"Http":{"ListenAddress":"127.0.0.1:2"}}""",
            environment: new Hashtable { ["NODEAGENT_Http__ListenAddress"] = "127.0.0.1:3" }).Options!.ListenAddress.ToString());
        Assert.Equal("127.0.0.1:4", Read(
            fileJson: """{"Http":{"ListenAddress":"127.0.0.1:2"}}""",
            environment: new Hashtable { ["NODEAGENT_Http__ListenAddress"] = "127.0.0.1:3" },
            arguments: [$"--{key}=127.0.0.1:4"]).Options!.ListenAddress.ToString());
    }

    [Fact]
    public void Node_name_comes_from_the_key_then_NODE_NAME_then_the_host_name()
    {
        Assert.Equal("from-env", Read(nodeNameEnv: "from-env").Options!.NodeName);
        Assert.Equal("from-key", Read(nodeNameEnv: "from-env", arguments: ["--Node:Name", "from-key"]).Options!.NodeName);
    }

    [Fact]
    public void Lists_come_from_json_arrays_indexed_environment_or_one_comma_separated_value()
    {
        Assert.Equal(["/a/*.log", "/b/*.log"], Read(fileJson: """{"Logs":{"Include":["/a/*.log","/b/*.log"]}}""").Options!.Logs.Include);
        Assert.Equal(["/c/*.log"], Read(environment: new Hashtable { ["NODEAGENT_Logs__Include__0"] = "/c/*.log" }).Options!.Logs.Include);
        var urls = Read(environment: new Hashtable { ["NODEAGENT_Elasticsearch__Urls"] = "http://a:9200, https://b:9200" }).Options!.Elasticsearch.Urls;
        Assert.Equal(["http://a:9200/", "https://b:9200/"], urls.Select(u => u.ToString()));
        // An explicitly empty list stays empty: the default does not come back.
        Assert.Empty(Read(fileJson: """{"Logs":{"Include":[]}}""").Options!.Logs.Include);
    }

    [Fact]
    public void Output_defaults_to_elasticsearch_once_urls_are_set()
    {
        var o = Read(arguments: ["--Elasticsearch:Urls:0=http://es:9200"]).Options!;
        Assert.Equal(OutputKind.Elasticsearch, o.Output);
        Assert.Equal(OutputKind.Console, Read(arguments: ["--Elasticsearch:Urls:0=http://es:9200", "--Output:Type=console"]).Options!.Output);
    }

    [Fact]
    public void An_unknown_section_in_a_file_is_an_error_that_names_the_file_key_and_suggestion()
    {
        var report = Read(fileJson: """{"Logz":{"Include":["/x"]}}""");
        Assert.False(report.IsValid);
        var error = Assert.Single(report.Errors);
        Assert.Equal($"{Path.Combine(_dir.Path, "config.json")}: Logz: unknown key (did you mean Logs?)", error);
    }

    [Theory]
    [InlineData("""{"Logs":{"Inclde":["/x"]}}""", "Logs:Inclde: unknown key (did you mean Logs:Include?)")]
    [InlineData("""{"Metrics":{"Collectors":{"cpux":false}}}""", "Metrics:Collectors:cpux: unknown collector (did you mean cpu?)")]
    [InlineData("""{"Http":{"ListenAddress":{"Port":1}}}""", "Http:ListenAddress:Port: unknown key (Http:ListenAddress takes a single value)")]
    [InlineData("""{"Zzzzzzzz":1}""", "Zzzzzzzz: unknown key")]
    public void Unknown_keys_name_the_key(string json, string expected)
    {
        var error = Assert.Single(Read(fileJson: json).Errors);
        Assert.EndsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_from_environment_and_command_line_are_errors_too()
    {
        var report = Read(environment: new Hashtable { ["NODEAGENT_Elasticsearch__Url"] = "http://x" }, arguments: ["--Http:Listen=1"]);
        Assert.Contains("environment: Elasticsearch:Url: unknown key (did you mean Elasticsearch:Urls?)", report.Errors);
        Assert.Contains("command line: Http:Listen: unknown key (did you mean Http:ListenAddress?)", report.Errors);
    }

    [Theory]
    [InlineData("--Elasticsearch:FlushInterval=soon", "command line: Elasticsearch:FlushInterval: 'soon' is not valid (expected a duration")]
    [InlineData("--Elasticsearch:MaxBatchBytes=5MB?", "command line: Elasticsearch:MaxBatchBytes: '5MB?' is not valid (expected a size")]
    [InlineData("--Logs:Enabled=yes", "command line: Logs:Enabled: 'yes' is not valid (expected true or false)")]
    [InlineData("--Output:Type=elastic", "command line: Output:Type: 'elastic' is not one of console, elasticsearch (did you mean elasticsearch?)")]
    [InlineData("--Elasticsearch:Urls:0=es:9200", "command line: Elasticsearch:Urls: 'es:9200' is not an http:// or https:// URL")]
    [InlineData("--Output:Type=elasticsearch", "command line: Output:Type: is elasticsearch but Elasticsearch:Urls is empty")]
    [InlineData("--Elasticsearch:Username=elastic", "command line: Elasticsearch:Password: is not set for user 'elastic'")]
    [InlineData("--Elasticsearch:PasswordFile=/nonexistent/secret", "command line: Elasticsearch:PasswordFile: file /nonexistent/secret does not exist")]
    [InlineData("--Logging:Level=Verbose", "command line: Logging:Level: 'Verbose' is not one of")]
    [InlineData("--Elasticsearch:DataStream=logs-my-app-prod", "command line: Elasticsearch:DataStream: 'logs-my-app-prod' is not a data stream name: it has 4 dash-separated parts, not 3 (expected <type>-<dataset>-<namespace>")]
    [InlineData("--Elasticsearch:DataStream=logs-myapp", "command line: Elasticsearch:DataStream: 'logs-myapp' is not a data stream name: it has 2 dash-separated parts, not 3")]
    [InlineData("--Elasticsearch:DataStream=logs-MyApp-prod", "command line: Elasticsearch:DataStream: 'logs-MyApp-prod' is not a data stream name: Elasticsearch index names are lower case")]
    public void Invalid_values_name_the_key_and_what_was_expected(string argument, string expected)
    {
        var report = Read(arguments: [argument]);
        Assert.False(report.IsValid);
        Assert.Contains(report.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_data_stream_documents_name_follows_the_target()
    {
        Assert.Equal(new NodeAgent.Delivery.DataStreamName("logs", "kubernetes.container_logs", "default"), Read().Options!.Elasticsearch.Target);
        Assert.Equal(new NodeAgent.Delivery.DataStreamName("logs", "myapp", "prod"), Read(arguments: ["--Elasticsearch:DataStream=logs-myapp-prod"]).Options!.Elasticsearch.Target);

        // An index, alias or differently named stream: the documents name no data stream, and the unused key is not checked.
        var index = Read(arguments: ["--Elasticsearch:Index=app-logs-%{+yyyy.MM.dd}", "--Elasticsearch:DataStream=unused"]);
        Assert.True(index.IsValid, string.Join("\n", index.Errors));
        Assert.Null(index.Options!.Elasticsearch.Target);
    }

    [Fact]
    public void A_value_that_is_wrong_in_a_file_names_the_file()
    {
        var error = Assert.Single(Read(fileJson: """{"Shutdown":{"Timeout":"forever"}}""").Errors);
        Assert.StartsWith(Path.Combine(_dir.Path, "config.json") + ": Shutdown:Timeout: 'forever' is not valid", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_json_and_missing_files_are_clear_errors()
    {
        var broken = Assert.Single(Read(fileJson: """{"Logs": {"Include": [}""").Errors);
        Assert.StartsWith(Path.Combine(_dir.Path, "config.json") + ": not a valid JSON configuration file:", broken, StringComparison.Ordinal);

        var (_, errors) = ConfigLayers.Load(Path.Combine(_dir.Path, "absent.json"), "/nonexistent/node-agent.json", new Hashtable(), []);
        Assert.Equal(["--config /nonexistent/node-agent.json: file not found"], errors);
    }

    [Fact]
    public void Stray_command_line_words_are_errors()
    {
        var report = Read(arguments: ["Logs:Enabled=false"]);
        Assert.Contains(report.Errors, e => e.StartsWith("command line: unexpected argument 'Logs:Enabled=false'", StringComparison.Ordinal));
    }

    [Fact]
    public void Durations_and_sizes_in_human_units_reach_the_options()
    {
        var o = Read(fileJson: """{"Elasticsearch":{"FlushInterval":"250ms","MaxBatchBytes":"512KiB"},"Shutdown":{"Timeout":"00:00:45"}}""").Options!;
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.Elasticsearch.FlushInterval);
        Assert.Equal(512 * 1024, o.Elasticsearch.MaxBatchBytes);
        Assert.Equal(TimeSpan.FromSeconds(45), o.ShutdownTimeout);
    }

    [Fact]
    public void Collectors_can_be_switched_by_name()
    {
        var o = Read(fileJson: """{"Metrics":{"Collectors":{"cpu":false,"processes":true}}}""").Options!;
        Assert.False(o.Metrics.Collectors["cpu"]);
        Assert.True(o.Metrics.Collectors["processes"]);
        Assert.True(o.Metrics.Collectors["meminfo"]);
    }

    [Fact]
    public void Collector_filters_default_to_node_exporter_and_are_validated_regular_expressions()
    {
        var defaults = Read().Options!.Metrics.Settings;
        Assert.Matches(defaults.Get(FilesystemOptions.MountPointsExcludeOption)!, "/proc/sys/fs/binfmt_misc");
        Assert.DoesNotMatch(defaults.Get(FilesystemOptions.MountPointsExcludeOption)!, "/var/lib/kubelet");
        Assert.Matches(defaults.Get(DiskstatsOptions.DeviceExcludeOption)!, "nvme0n1p1");
        Assert.DoesNotMatch(defaults.Get(DiskstatsOptions.DeviceExcludeOption)!, "nvme0n1");
        Assert.Empty(defaults.Get(TextfileOptions.DirectoryOption));

        var error = Assert.Single(Read(arguments: ["--Metrics:NetdevDeviceExclude=^(veth"]).Errors);
        Assert.StartsWith("command line: Metrics:NetdevDeviceExclude: '^(veth' is not a valid regular expression", error, StringComparison.Ordinal);

        // As node_exporter: an include replaces the default exclude, unless the exclude is set too.
        var include = Read(arguments: ["--Metrics:DiskstatsDeviceInclude=^sd"]).Options!.Metrics.Settings;
        Assert.Null(include.Get(DiskstatsOptions.DeviceExcludeOption));
        Assert.NotNull(Read(arguments: ["--Metrics:DiskstatsDeviceInclude=^sd", "--Metrics:DiskstatsDeviceExclude=^sdz$"]).Options!.Metrics.Settings.Get(DiskstatsOptions.DeviceExcludeOption));
    }

    [Fact]
    public void Defaults_that_need_a_real_node_are_warnings_not_errors()
    {
        var report = Read(arguments: ["--Logs:Include:0=/nonexistent-node-agent-dir/*.log"]);
        Assert.True(report.IsValid);
        Assert.Contains(report.Warnings, w => w.StartsWith("Logs:Include: directory /nonexistent-node-agent-dir does not exist", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.StartsWith("Elasticsearch:Urls is not set", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/var/log/containers/*.log", "/var/log/containers")]
    [InlineData("/var/log/pods/*/*/*.log", "/var/log/pods")]
    [InlineData("/var/log/app.log", "/var/log")]
    public void The_directory_a_glob_needs_is_its_fixed_prefix(string glob, string directory) =>
        Assert.Equal(directory, LogGlob.StaticDirectoryOf(glob));
}
