namespace NodeAgent.KubernetesApiEmulation;

/// <summary>A parsed <c>fieldSelector</c>: comma-joined requirements <c>f=v</c>, <c>f==v</c> or <c>f!=v</c>, all of
/// which must hold (apimachinery pkg/fields/selector.go). Backslash escapes are not supported: node and pod names
/// never need them.</summary>
internal sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([], "");

    private readonly (string Field, string Value, bool Equal)[] _requirements;

    private FieldSelector((string Field, string Value, bool Equal)[] requirements, string text)
    {
        _requirements = requirements;
        Text = text;
    }

    public string Text { get; }

    public bool IsEmpty => _requirements.Length == 0;

    /// <summary>Null with an error message worded like the server's when the selector does not parse or names a field
    /// the resource cannot select on (the real server answers 400 BadRequest).</summary>
    public static FieldSelector? TryParse(string? text, ResourceType resource, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return Everything;
        }

        var requirements = new List<(string, string, bool)>();
        foreach (var term in text.Split(','))
        {
            var (field, value, equal) = Split(term);
            if (field is null)
            {
                error = $"invalid selector: '{text}'; can't understand '{term}'";
                return null;
            }

            if (!resource.SelectableFields.Contains(field))
            {
                error = $"Unable to find \"/v1, Resource={resource.Plural}\" that match label selector \"\", field selector \"{text}\": field label not supported: {field}";
                return null;
            }

            requirements.Add((field, value!, equal));
        }

        return new FieldSelector([.. requirements], text);
    }

    /// <summary>This selector plus <c>field=value</c>: how a namespaced path (<c>/api/v1/namespaces/x/pods</c>) scopes
    /// a list or a watch.</summary>
    public FieldSelector And(string field, string value) =>
        new([.. _requirements, (field, value, true)], Text.Length == 0 ? $"{field}={value}" : $"{Text},{field}={value}");

    public bool Matches(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (field, value, equal) in _requirements)
        {
            var actual = fields.TryGetValue(field, out var v) ? v : "";
            if (string.Equals(actual, value, StringComparison.Ordinal) != equal)
            {
                return false;
            }
        }

        return true;
    }

    private static (string? Field, string? Value, bool Equal) Split(string term)
    {
        foreach (var (op, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return (term[..at].Trim(), term[(at + op.Length)..].Trim(), equal);
            }
        }

        return (null, null, false);
    }
}
