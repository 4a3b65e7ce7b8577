using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace NodeAgent.KubernetesApiEmulation;

internal static class Wire
{
    // Go's encoding/json escapes <, > and & but leaves other non-ASCII text as it is; the default encoder would also
    // escape every non-ASCII letter. Either is valid JSON; this is the closer one.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public const string JsonContentType = "application/json";
}
