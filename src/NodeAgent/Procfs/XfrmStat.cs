using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// <c>/proc/net/xfrm_stat</c> (Documentation/networking/xfrm/xfrm_proc.rst, present with CONFIG_XFRM_STATISTICS):
/// one <c>name value</c> line per IPsec error counter. Read as prometheus/procfs reads it (net_xfrm.go): every line
/// must have exactly two fields, the second an integer (Go's <c>strconv.Atoi</c>); names it does not know are skipped,
/// and a known name the file lacks counts 0.
/// </summary>
internal static class XfrmStat
{
    /// <summary>The counters prometheus/procfs reads, in its order; <see cref="TryParse"/> fills one value per name.</summary>
    public static readonly string[] Names =
    [
        "XfrmInError", "XfrmInBufferError", "XfrmInHdrError", "XfrmInNoStates", "XfrmInStateProtoError",
        "XfrmInStateModeError", "XfrmInStateSeqError", "XfrmInStateExpired", "XfrmInStateMismatch", "XfrmInStateInvalid",
        "XfrmInTmplMismatch", "XfrmInNoPols", "XfrmInPolBlock", "XfrmInPolError", "XfrmOutError", "XfrmOutBundleGenError",
        "XfrmOutBundleCheckError", "XfrmOutNoStates", "XfrmOutStateProtoError", "XfrmOutStateModeError",
        "XfrmOutStateSeqError", "XfrmOutStateExpired", "XfrmOutPolBlock", "XfrmOutPolDead", "XfrmOutPolError",
        "XfrmFwdHdrError", "XfrmOutStateInvalid", "XfrmAcquireError",
    ];

    /// <summary>The values of <see cref="Names"/>, index for index; false with the offending line otherwise.</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out long[] values, out string? problem)
    {
        values = new long[Names.Length];
        problem = null;
        Span<Range> fields = stackalloc Range[2];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            if (AsciiFields.Split(line, fields) != 2
                || !long.TryParse(line[fields[1]], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                problem = $"unexpected line \"{Encoding.UTF8.GetString(line)}\"";
                return false;
            }

            var index = Array.IndexOf(Names, Encoding.ASCII.GetString(line[fields[0]]));
            if (index >= 0)
            {
                values[index] = value;
            }
        }

        return true;
    }
}
