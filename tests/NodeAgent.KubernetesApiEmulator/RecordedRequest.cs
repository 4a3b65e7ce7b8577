using System.Web;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>One request as the fake received it, before authentication or faults: what a test asserts on (the field
/// selector sent, the resourceVersion a watch resumed from, the spacing of retries).</summary>
/// <param name="QueryString">Raw, with its leading <c>?</c> (empty when none), as sent on the wire.</param>
public sealed record RecordedRequest(string Method, string Path, string QueryString, DateTimeOffset Time)
{
    /// <summary>One query parameter, decoded; null when absent.</summary>
    public string? Query(string name) => HttpUtility.ParseQueryString(QueryString)[name];

    public bool IsWatch => Query("watch") is { } watch && QueryValues.IsTrue(watch);

    public override string ToString() => $"{Time:HH:mm:ss.fff} {Method} {Path}{QueryString}";
}
