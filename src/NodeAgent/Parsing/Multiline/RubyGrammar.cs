namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// Ruby's uncaught exception (<c>app.rb:12:in 'Billing#charge': card declined (Billing::PaymentError)</c>, with a
/// backtick before 3.4, then <c>\tfrom app.rb:30:in ...</c> frames and <c>\t ... 1234 levels...</c>) and Rails'
/// logged exception (<c>NoMethodError (undefined method ...):</c>, a line of spaces, frames indented by two).
/// </summary>
internal sealed class RubyGrammar : TraceGrammar
{
    public static RubyGrammar Instance { get; } = new();

    private const int Frames = 0;
    private const int Rails = 1; // a Rails header: its frames come next
    private const int RailsFrames = 2;

    private RubyGrammar()
    {
    }

    public override int Start(ReadOnlySpan<byte> line) =>
        IsUncaught(line) ? Frames : IsRailsHeader(line) ? Rails : -1;

    public override Step Next(int state, ReadOnlySpan<byte> line)
    {
        switch (state)
        {
            case Frames:
                if (line.StartsWith("\tfrom "u8))
                {
                    return Step.Frame(Frames);
                }

                var text = LineShape.Trim(line);
                return line.StartsWith("\t"u8) && text.StartsWith("... "u8) && text.EndsWith(" levels..."u8) ? Step.Frame(Frames) : Step.Reject;
            case Rails:
                if (LineShape.IsBlank(line))
                {
                    return Step.Maybe(Rails);
                }

                return LineShape.Indent(line) > 0 && HasLocation(line) ? Step.Frame(RailsFrames) : Step.Reject;
            case RailsFrames:
                return LineShape.Indent(line) > 0 && HasLocation(line) ? Step.Frame(RailsFrames) : Step.Reject;
            default:
                return Step.Reject;
        }
    }

    /// <summary>The header of an uncaught exception: <c>path.rb:NN:in </c> at the start, the class in parentheses at
    /// the end.</summary>
    private static bool IsUncaught(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[0] is (byte)' ' or (byte)'\t' || !LineShape.TrimEnd(line).EndsWith(")"u8))
        {
            return false;
        }

        var colon = line.IndexOf((byte)':');
        return colon > 3 && line[..colon].EndsWith(".rb"u8) && IsLineAndMethod(line[(colon + 1)..]);
    }

    /// <summary><c>app/models/order.rb:14:in 'total'</c> somewhere in the line (a gem's frame starts with its name and
    /// version: <c>actionpack (7.1.3) lib/...rb:61:in 'call'</c>).</summary>
    private static bool HasLocation(ReadOnlySpan<byte> line)
    {
        var at = line.IndexOf(".rb:"u8);
        return at > 0 && IsLineAndMethod(line[(at + 4)..]);
    }

    /// <summary><c>NN:in </c>.</summary>
    private static bool IsLineAndMethod(ReadOnlySpan<byte> text)
    {
        var colon = text.IndexOf((byte)':');
        return colon > 0 && LineShape.IsDigits(text[..colon]) && text[(colon + 1)..].StartsWith("in "u8);
    }

    /// <summary><c>ActionController::RoutingError (No route matches [GET] "/x"):</c> (Rails writes a space before it).</summary>
    private static bool IsRailsHeader(ReadOnlySpan<byte> line)
    {
        var text = line.StartsWith(" "u8) ? line[1..] : line;
        if (text.IsEmpty || (uint)(text[0] - 'A') > 'Z' - 'A' || !LineShape.TrimEnd(text).EndsWith("):"u8))
        {
            return false;
        }

        var space = text.IndexOf(" ("u8);
        if (space <= 0)
        {
            return false;
        }

        foreach (var b in text[..space])
        {
            if (!(LineShape.IsLetter(b) || LineShape.IsDigit(b) || b is (byte)'_' or (byte)':'))
            {
                return false;
            }
        }

        return true;
    }
}
