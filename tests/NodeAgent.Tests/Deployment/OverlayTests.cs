using System.Diagnostics;
using System.Text.Json;
using NodeAgent.Hosting;
using NodeAgent.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace NodeAgent.Tests.Deployment;

/// <summary>
/// The kustomize overlays in deploy/overlays (issue 6, point 5) render with <c>kubectl kustomize</c>, their config
/// uses only known keys, and every secret file the config names is where a Secret volume puts it.
/// </summary>
public sealed class OverlayTests
{
    [ToolTheory("kubectl")]
    [InlineData("basic-auth", "PasswordFile")]
    [InlineData("api-key", "ApiKeyFile")]
    [InlineData("tls-ca", "PasswordFile", "CaFile")]
    public async Task An_overlay_renders_and_mounts_every_secret_file_its_config_names(string overlay, params string[] fileKeys)
    {
        var rendered = await KustomizeAsync(Path.Combine("deploy", "overlays", overlay));
        var documents = new YamlStream();
        using (var reader = new StringReader(rendered))
        {
            documents.Load(reader);
        }

        var roots = documents.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        var configMap = roots.Single(r => Text(r, "kind") == "ConfigMap");
        var config = JsonDocument.Parse(Text((YamlMappingNode)configMap["data"], "config.json")).RootElement;
        foreach (var section in config.EnumerateObject())
        {
            foreach (var key in section.Value.EnumerateObject())
            {
                Assert.True(ConfigSchema.Find($"{section.Name}:{key.Name}") is not null, $"{overlay}: unknown key {section.Name}:{key.Name}");
            }
        }

        var daemonSet = roots.Single(r => Text(r, "kind") == "DaemonSet");
        var pod = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)daemonSet["spec"])["template"])["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children.Single();
        // An overlay adds credentials, never privileges: the base's lockdown (issue 11, point 12) reaches it whole.
        var capabilities = (YamlMappingNode)((YamlMappingNode)container["securityContext"])["capabilities"];
        Assert.Equal("ALL", Assert.IsType<YamlScalarNode>(Assert.Single(((YamlSequenceNode)capabilities["drop"]).Children)).Value);
        Assert.False(capabilities.Children.ContainsKey("add"), $"{overlay}: adds capabilities");
        Assert.False(pod.Children.ContainsKey("hostPID"), $"{overlay}: shares the host's PID namespace");
        var mounts = ((YamlSequenceNode)container["volumeMounts"]).Children.Cast<YamlMappingNode>().ToList();
        var volumes = ((YamlSequenceNode)pod["volumes"]).Children.Cast<YamlMappingNode>().ToList();
        // The DaemonSet's config reference follows the generated (hashed) ConfigMap name, so a change rolls the pods.
        Assert.Contains(volumes, v => v.Children.ContainsKey("configMap") && Text((YamlMappingNode)v["configMap"], "name") == Text((YamlMappingNode)configMap["metadata"], "name"));
        foreach (var fileKey in fileKeys)
        {
            var file = config.GetProperty("Elasticsearch").GetProperty(fileKey).GetString()!;
            var mount = mounts.Single(m => Text(m, "mountPath") == Path.GetDirectoryName(file));
            var volume = volumes.Single(v => Text(v, "name") == Text(mount, "name"));
            var items = ((YamlSequenceNode)((YamlMappingNode)volume["secret"])["items"]).Children.Cast<YamlMappingNode>();
            Assert.Contains(items, i => Text(i, "path") == Path.GetFileName(file));
            Assert.Equal("true", Text(mount, "readOnly"));
        }
    }

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static async Task<string> KustomizeAsync(string directory)
    {
        var start = new ProcessStartInfo(RequiredTool.Path("kubectl"))
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} failed: {await stderr}");
        return await stdout;
    }
}
