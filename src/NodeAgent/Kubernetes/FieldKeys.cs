namespace NodeAgent.Kubernetes;

/// <summary>
/// Label and annotation keys as document field names. Elasticsearch reads a '.' in a field name as an object path, so
/// the labels <c>app</c> (a string) and <c>app.kubernetes.io/name</c> (an object <c>app</c> holding
/// <c>kubernetes</c>…) cannot both be mapped: the second document is refused. Filebeat's and Fluent Bit's answer,
/// followed here: '.' and '/' become '_' (<c>app_kubernetes_io_name</c>), so every key is one flat field.
/// </summary>
internal static class FieldKeys
{
    public static string Dedot(string key) =>
        key.AsSpan().IndexOfAny('.', '/') < 0 ? key : key.Replace('.', '_').Replace('/', '_');

    /// <summary>
    /// De-dotted pairs in ordinal key order (so a pod's context encodes the same bytes whatever order the API sent).
    /// Two keys that de-dot alike (<c>a.b</c> and <c>a_b</c>) would be one field twice, which Elasticsearch refuses as
    /// a duplicate: the pair whose original key sorts first is kept.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Dedot(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var result = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var field = Dedot(key);
            if (seen.Add(field))
            {
                result.Add(new(field, value ?? ""));
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }
}
