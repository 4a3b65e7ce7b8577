namespace NodeAgent.KubernetesApiEmulation;

/// <summary>How the API server reads boolean query parameters: Go's strconv.ParseBool through the query-parameter
/// converter, so <c>true</c>, <c>1</c>, <c>t</c> and <c>True</c> all mean true.</summary>
internal static class QueryValues
{
    public static bool IsTrue(string? value) =>
        value is not null && (value == "1" || value == "t" || value == "T" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
