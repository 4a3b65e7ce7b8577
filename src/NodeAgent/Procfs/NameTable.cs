using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// The strings a parser makes from field names it meets on every scrape (<c>TcpExt</c>, <c>InOctets</c>,
/// <c>pgfault</c>): looked up by their bytes and created once, so a steady scrape allocates no names. Not
/// thread-safe: one table per collector instance, and a collector never runs twice at once.
/// </summary>
internal sealed class NameTable
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public string Get(ReadOnlySpan<byte> ascii)
    {
        Span<char> chars = ascii.Length <= 256 ? stackalloc char[ascii.Length] : new char[ascii.Length];
        var length = Encoding.UTF8.GetChars(ascii, chars);
        var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..length], out var name))
        {
            return name;
        }

        name = new string(chars[..length]);
        _names[name] = name;
        return name;
    }
}
