using NodeAgent.Hosting.Web;

namespace NodeAgent.Hosting;

/// <summary><c>Http:WebConfigFile</c>: exporter-toolkit's web configuration (node_exporter's <c>--web.config.file</c>),
/// loaded whole here so a bad file, a missing certificate or a key that does not match is exit 2 at start and in
/// check-config, each problem naming its field.</summary>
internal sealed partial class AgentOptionsReader
{
    private WebSettings? ReadWebConfig()
    {
        if (Text("Http:WebConfigFile") is not { } path)
        {
            return null;
        }

        var load = WebSettings.Load(path);
        foreach (var error in load.Errors)
        {
            Error("Http:WebConfigFile", $"{path}: {error}");
        }

        foreach (var warning in load.Warnings)
        {
            _warnings.Add($"Http:WebConfigFile: {path}: {warning}");
        }

        return load.Settings;
    }
}
