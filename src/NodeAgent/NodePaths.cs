namespace NodeAgent;

/// <summary>
/// The host roots every /proc, /sys and host-file read goes through (node_exporter's <c>--path.*</c>): in the
/// DaemonSet they are <c>/host/proc</c>, <c>/host/sys</c> and <c>/host/root</c>; in tests, fixture trees.
/// </summary>
internal sealed record NodePaths(string Proc, string Sys, string Root)
{
    public static readonly NodePaths Host = new("/proc", "/sys", "/");

    /// <summary>The agent's own process as its own procfs shows it. The process metrics describe the agent, not
    /// the node, so they read the agent's mount namespace's /proc, as the Prometheus client libraries do.</summary>
    public const string SelfProc = "/proc/self";

    public string ProcFile(string relative) => System.IO.Path.Join(Proc, relative);

    public string SysFile(string relative) => System.IO.Path.Join(Sys, relative);

    public string RootFile(string relative) => System.IO.Path.Join(Root, relative);
}
