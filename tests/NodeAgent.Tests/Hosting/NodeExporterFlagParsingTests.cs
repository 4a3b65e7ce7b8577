using System.Collections;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NodeAgent.Hosting;
using NodeAgent.Metrics.Collectors;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Hosting;

/// <summary>
/// node_exporter's command line read as another way to write the configuration: each form kingpin accepts
/// (<c>--flag=value</c>, <c>--flag value</c>, <c>--flag</c> and <c>--no-flag</c> for a switch), repeatable flags, the
/// flags NodeAgent does not implement (an error naming them: exit 2) and the metrics-only default.
/// </summary>
public sealed class NodeExporterFlagParsingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ConfigReport Read(string[] arguments, string? fileJson = null, IDictionary? environment = null)
    {
        var file = fileJson is null ? null : _dir.Write("config.json", fileJson);
        var (layers, errors) = ConfigLayers.Load(Path.Combine(_dir.Path, "absent.json"), file, environment ?? new Hashtable(), arguments);
        return AgentOptionsReader.Read(layers, errors, null, "the-host");
    }

    private AgentOptions Valid(params string[] arguments)
    {
        var report = Read(arguments);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        return report.Options!;
    }

    /// <summary>What check-config prints for these arguments: the keys as the agent will run with them.</summary>
    private JsonElement Printed(params string[] arguments)
    {
        using var output = new MemoryStream();
        EffectiveConfig.Write(Valid(arguments), output);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(output.ToArray()));
        return doc.RootElement.Clone();
    }

    private string SingleError(params string[] arguments)
    {
        var report = Read(arguments);
        Assert.False(report.IsValid);
        return Assert.Single(report.Errors);
    }

    [Fact]
    public void Path_flags_take_their_value_after_an_equals_sign_or_as_the_next_argument()
    {
        var o = Valid("--path.procfs=/host/proc", "--path.sysfs", "/host/sys", "--path.rootfs=/host/root", "--path.udev.data", "/host/root/run/udev/data");
        Assert.Equal(new NodePaths("/host/proc", "/host/sys", "/host/root"), o.Paths);
        Assert.Equal("/host/root/run/udev/data", o.Metrics.Settings.Get(DiskstatsOptions.UdevDataPathOption));
    }

    [Fact]
    public void A_collector_switch_turns_it_on_and_its_no_form_turns_it_off()
    {
        var o = Valid("--collector.processes", "--no-collector.cpu");
        Assert.True(o.Metrics.Collectors["processes"]);
        Assert.False(o.Metrics.Collectors["cpu"]);
        Assert.True(o.Metrics.Collectors["meminfo"]);
    }

    [Fact]
    public void Disable_defaults_leaves_on_only_the_collectors_switched_on()
    {
        var o = Valid("--collector.disable-defaults", "--collector.cpu", "--collector.processes");
        Assert.Equal(["cpu", "processes"], o.Metrics.Collectors.Where(p => p.Value).Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Disable_defaults_changes_the_defaults_so_a_collector_a_file_switches_on_stays_on()
    {
        var report = Read(["--collector.disable-defaults", "--collector.cpu"], fileJson: """{"Metrics":{"Collectors":{"meminfo":true}}}""");
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Equal(["cpu", "meminfo"], report.Options!.Metrics.Collectors.Where(p => p.Value).Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Metrics", "FilesystemMountPointsExclude", "^/(dev|proc|sys)($|/)", "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys)($|/)")]
    [InlineData("Metrics", "NetclassIgnoredDevices", "^(veth.*)$", "--collector.netclass.ignored-devices", "^(veth.*)$")]
    [InlineData("Metrics", "NetdevDeviceExclude", "^(veth.*|[a-f0-9]{15})$", "--collector.netdev.device-exclude=^(veth.*|[a-f0-9]{15})$")]
    [InlineData("Metrics", "FilesystemMountTimeout", "2s", "--collector.filesystem.mount-timeout=2s")]
    [InlineData("Metrics", "FilesystemStatWorkers", "8", "--collector.filesystem.stat-workers", "8")]
    [InlineData("Metrics", "PowersupplyIgnoredSupplies", "^AC$", "--collector.powersupply.ignored-supplies=^AC$")]
    [InlineData("Metrics", "IpvsBackendLabels", "proto,local_port", "--collector.ipvs.backend-labels=proto,local_port")]
    [InlineData("Metrics", "NetdevAddressInfo", "True", "--collector.netdev.address-info")]
    [InlineData("Metrics", "StatSoftirq", "True", "--collector.stat.softirq")]
    [InlineData("Metrics", "CpuGuest", "False", "--no-collector.cpu.guest")]
    [InlineData("Metrics", "NetclassIgnoreInvalidSpeed", "False", "--no-collector.netclass.ignore-invalid-speed")]
    [InlineData("Metrics", "FilesystemMountPointsExclude", "^/srv$", "--collector.filesystem.ignored-mount-points=^/srv$")]
    [InlineData("Metrics", "NetdevDeviceInclude", "^eth", "--collector.netdev.device-whitelist=^eth")]
    [InlineData("Http", "ListenAddress", "127.0.0.1:9101", "--web.listen-address=127.0.0.1:9101")]
    [InlineData("Http", "ListenAddress", "127.0.0.1:9102", "--web.listen-address", "127.0.0.1:9102")]
    [InlineData("Http", "ListenAddress", "0.0.0.0:9103", "--web.listen-address=[0.0.0.0]:9103")]
    [InlineData("Http", "MetricsPath", "/node-metrics", "--web.telemetry-path=/node-metrics")]
    [InlineData("Metrics", "AgentMetrics", "False", "--web.disable-exporter-metrics")]
    [InlineData("Metrics", "AgentMetrics", "True", "--no-web.disable-exporter-metrics")]
    [InlineData("Metrics", "NetdevNetlink", "False", "--no-collector.netdev.netlink")]
    [InlineData("Metrics", "NetdevNetlink", "True", "--collector.netdev.netlink")]
    [InlineData("Logging", "Level", "Debug", "--log.level=debug")]
    [InlineData("Logging", "Level", "Warning", "--log.level", "warn")]
    [InlineData("Logging", "Level", "Error", "--log.level=ERROR")]
    [InlineData("Logging", "Level", "Information", "--log.level=info")]
    [InlineData("Logging", "Format", "text", "--log.format=logfmt")]
    [InlineData("Logging", "Format", "json", "--log.format", "json")]
    public void A_flag_sets_the_key_of_the_same_meaning(string section, string key, string expected, params string[] arguments)
    {
        var value = Printed(arguments).GetProperty(section).GetProperty(key);
        Assert.Equal(expected, value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean().ToString() : value.GetString());
    }

    [Fact]
    public void The_web_configuration_file_flag_passes_its_path_to_Http_WebConfigFile()
    {
        var (layers, errors) = ConfigLayers.Load(Path.Combine(_dir.Path, "absent.json"), null, new Hashtable(), ["--web.config.file", "/etc/node-exporter/web.yml"]);
        Assert.Empty(errors);
        var layer = Assert.Single(layers, l => l.FromNodeExporterFlag);
        Assert.Equal("command line: --web.config.file", layer.Name);
        Assert.Equal("/etc/node-exporter/web.yml", layer.Values["Http:WebConfigFile"]);
    }

    [Fact]
    public void A_listen_address_without_a_host_listens_on_every_address_as_go_does()
    {
        var address = Valid("--web.listen-address=:9100").ListenAddress;
        Assert.Equal(9100, address.Port);
        Assert.Contains(address.Address, new[] { System.Net.IPAddress.IPv6Any, System.Net.IPAddress.Any });
    }

    [Fact]
    public void A_repeatable_flag_takes_every_value_in_order()
    {
        var directories = Printed("--collector.textfile.directory=/var/lib/node_exporter", "--collector.textfile.directory", "/run/textfile/*")
            .GetProperty("Metrics").GetProperty("TextfileDirectory");
        Assert.Equal(["/var/lib/node_exporter", "/run/textfile/*"], directories.EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void Flags_and_keys_on_one_command_line_apply_in_their_order()
    {
        Assert.Equal("/b", Valid("--path.procfs=/a", "--Host:ProcPath=/b").Paths.Proc);
        Assert.Equal("/a", Valid("--Host:ProcPath=/b", "--path.procfs=/a").Paths.Proc);
    }

    [Fact]
    public void Flags_win_over_files_and_the_environment()
    {
        var report = Read(["--path.sysfs=/flag"], fileJson: """{"Host":{"SysPath":"/file"}}""", environment: new Hashtable { ["NODEAGENT_Host__SysPath"] = "/env" });
        Assert.Equal("/flag", report.Options!.Paths.Sys);
    }

    [Theory]
    [InlineData("--collector.cpu=false", "command line: --collector.cpu: takes no value (write --collector.cpu or --no-collector.cpu)")]
    [InlineData("--no-path.procfs", "command line: --no-path.procfs: unknown flag (--path.procfs takes a value, it has no --no- form)")]
    [InlineData("--path.procfs", "command line: --path.procfs: no value (expected --path.procfs=VALUE or --path.procfs VALUE)")]
    [InlineData("--log.level=verbose", "command line: --log.level: 'verbose' is not valid (expected one of debug, info, warn, error)")]
    [InlineData("--log.format=logfmt2", "command line: --log.format: 'logfmt2' is not valid (expected one of logfmt, json)")]
    [InlineData("--web.listen-address=vsock://:9100", "command line: --web.listen-address: Http:ListenAddress: 'vsock://:9100' is not valid")]
    [InlineData("--collector.filesystem.mount-timeout=soon", "command line: --collector.filesystem.mount-timeout: Metrics:FilesystemMountTimeout: 'soon' is not valid (expected a duration")]
    [InlineData("--web.telemetry-path=metrics", "command line: --web.telemetry-path: Http:MetricsPath: 'metrics' is not valid (expected a path such as /metrics")]
    public void A_flag_written_wrong_is_an_error_that_names_it(string argument, string expected) =>
        Assert.StartsWith(expected, SingleError(argument), StringComparison.Ordinal);

    [Fact]
    public void The_next_argument_is_not_taken_as_a_value_when_it_is_a_flag()
    {
        Assert.StartsWith("command line: --path.rootfs: no value", SingleError("--path.rootfs", "--no-collector.wifi"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--path.procfs=/a", "--path.procfs=/b")]
    [InlineData("--collector.cpu", "--no-collector.cpu")]
    [InlineData("--collector.disable-defaults", "--collector.disable-defaults")]
    public void A_flag_node_exporter_does_not_repeat_is_refused_when_repeated(params string[] arguments) =>
        Assert.Contains("given more than once", SingleError(arguments), StringComparison.Ordinal);

    [Fact]
    public void A_repeatable_node_exporter_flag_whose_key_takes_one_value_is_refused_when_repeated()
    {
        var error = SingleError("--web.listen-address=127.0.0.1:9100", "--web.listen-address=127.0.0.2:9100");
        Assert.StartsWith("command line: --web.listen-address: given more than once; NodeAgent takes one (Http:ListenAddress)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deprecated_spelling_and_the_current_one_together_are_mutually_exclusive_as_in_node_exporter()
    {
        var error = SingleError("--collector.filesystem.mount-points-exclude=^/a$", "--collector.filesystem.ignored-mount-points=^/b$");
        Assert.Equal("command line: --collector.filesystem.ignored-mount-points and --collector.filesystem.mount-points-exclude are mutually exclusive", error);
    }

    [Theory]
    [InlineData("--web.max-requests=10", "--web.max-requests")]
    [InlineData("--runtime.gomaxprocs=2", "--runtime.gomaxprocs")]
    [InlineData("--web.systemd-socket", "--web.systemd-socket")]
    [InlineData("--collector.ntp.server=10.0.0.1", "--collector.ntp.server")]
    [InlineData("--collector.systemd.unit-include=^kubelet", "--collector.systemd.unit-include")]
    [InlineData("--collector.netclass.netlink", "--collector.netclass.netlink")]
    [InlineData("--collector.systemd.unit-whitelist=^kubelet", "--collector.systemd.unit-whitelist")]
    [InlineData("--help-long", "--help-long")]
    public void A_node_exporter_flag_NodeAgent_does_not_implement_is_an_error_naming_it(string argument, string flag) =>
        Assert.StartsWith($"command line: {flag}: node_exporter flag not implemented by NodeAgent", SingleError(argument), StringComparison.Ordinal);

    [Theory]
    [InlineData("--no-collector.arp.netlink")]
    [InlineData("--collector.arp.netlink")]
    [InlineData("--no-collector.netclass.netlink")]
    [InlineData("--web.max-requests=40")]
    [InlineData("--no-web.systemd-socket")]
    public void A_node_exporter_flag_that_asks_for_what_NodeAgent_does_anyway_is_accepted(string argument) =>
        Assert.True(Read([argument]).IsValid);

    [Theory]
    [InlineData("--colector.cpu", "command line: --colector.cpu: unknown flag (did you mean --collector.cpu?)")]
    [InlineData("--Path.procfs=/x", "command line: --Path.procfs: unknown flag (did you mean --path.procfs?)")]
    [InlineData("--no-collector.cpux", "command line: --no-collector.cpux: unknown flag (did you mean --no-collector.cpu?)")]
    [InlineData("--collector.filesystem.mount-point-exclude=^/x", "command line: --collector.filesystem.mount-point-exclude: unknown flag (did you mean --collector.filesystem.mount-points-exclude?)")]
    [InlineData("--collector.nosuchthing=1", "command line: collector.nosuchthing: unknown key")]
    [InlineData("--foo=bar", "command line: foo: unknown key")]
    public void A_flag_node_exporter_does_not_have_either_is_refused_as_an_unknown_key_is(string argument, string expected) =>
        Assert.StartsWith(expected, SingleError(argument), StringComparison.Ordinal);

    [Fact]
    public void Started_with_node_exporter_flags_and_no_log_settings_the_agent_serves_metrics_only()
    {
        var o = Valid("--path.sysfs=/host/sys", "--path.rootfs=/host/root", "--no-collector.wifi");
        Assert.False(o.Logs.Enabled);
        Assert.True(o.Metrics.Enabled);
        Assert.DoesNotContain(Read(["--path.sysfs=/host/sys"]).Warnings, w => w.StartsWith("Elasticsearch:Urls is not set", StringComparison.Ordinal));

        // Without any node_exporter flag the contract's default stands: the log pipeline runs.
        Assert.True(Valid("--Host:SysPath=/host/sys").Logs.Enabled);
        Assert.True(Valid().Logs.Enabled);
    }

    [Fact]
    public void Any_log_setting_asks_for_the_log_pipeline_wherever_it_is_set()
    {
        Assert.True(Valid("--no-collector.wifi", "--Elasticsearch:Urls:0=http://es:9200").Logs.Enabled);
        Assert.True(Valid("--no-collector.wifi", "--Output:Type=console").Logs.Enabled);
        Assert.True(Valid("--no-collector.wifi", "--Logs:Enabled=true").Logs.Enabled);
        Assert.True(Read(["--no-collector.wifi"], environment: new Hashtable { ["NODEAGENT_Logs__Include__0"] = "/var/log/containers/*.log" }).Options!.Logs.Enabled);
        Assert.True(Read(["--no-collector.wifi"], fileJson: """{"Logs":{"StatePath":"/var/lib/node-agent"}}""").Options!.Logs.Enabled);

        // Logs:Enabled=false says no, whatever else is set; settings of other sections are not log settings.
        Assert.False(Valid("--no-collector.wifi", "--Logs:Enabled=false", "--Elasticsearch:Urls:0=http://es:9200").Logs.Enabled);
        Assert.False(Valid("--no-collector.wifi", "--Kubernetes:ClusterName=prod", "--Node:Name=n1", "--Logging:Level=Debug").Logs.Enabled);
        Assert.False(Read(["--no-collector.wifi"], fileJson: """{"Logs":{}}""").Options!.Logs.Enabled);
    }

    [Fact]
    public void Log_flags_are_the_agents_own_logs_and_ask_for_no_log_pipeline()
    {
        var o = Valid("--log.level=debug", "--log.format=logfmt");
        Assert.Equal(LogLevel.Debug, o.Logging.Level);
        Assert.False(o.Logs.Enabled);
    }
}
