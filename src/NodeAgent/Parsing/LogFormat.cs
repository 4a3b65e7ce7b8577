namespace NodeAgent.Parsing;

/// <summary>The container log formats kubelet reads (kubernetes pkg/kubelet/kuberuntime/logs), and plain lines.</summary>
internal enum LogFormat
{
    /// <summary>Not known yet: no line of the file has matched either format.</summary>
    Unknown,

    /// <summary>CRI: containerd, CRI-O (<see cref="CriParser"/>).</summary>
    Cri,

    /// <summary>Docker's json-file driver, as dockershim and cri-dockerd leave it (<see cref="DockerJsonParser"/>).</summary>
    DockerJson,

    /// <summary>Neither: a host file of plain lines (<c>/var/log/syslog</c>, an audit log). Only a file outside
    /// kubelet's layout can be one, and only when its first line is neither CRI nor docker JSON.</summary>
    Plain,
}

internal static class LogFormatDetection
{
    /// <summary>
    /// The format of a file, from one of its lines, as kubelet decides it (try CRI, then docker JSON). A file is
    /// written by one runtime, so the decoder asks once, on the first line that matches either format, and keeps the
    /// answer. A CRI line never starts with '{' and a docker line always does, so the order does not matter.
    /// </summary>
    public static LogFormat Detect(ReadOnlySpan<byte> line)
    {
        if (CriParser.TryParse(line, out _))
        {
            return LogFormat.Cri;
        }

        return DockerJsonParser.TryParse(line, message: null, out _) ? LogFormat.DockerJson : LogFormat.Unknown;
    }
}
