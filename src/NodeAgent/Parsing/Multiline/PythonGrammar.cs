namespace NodeAgent.Parsing.Multiline;

/// <summary>
/// Python's traceback module: <c>Traceback (most recent call last):</c>, <c>  File "...", line N, in f</c> frames each
/// with its source line and, since 3.11, a line of <c>^</c> and <c>~</c> under it, <c>[Previous line repeated N more
/// times]</c>, the exception's line (<c>ValueError: msg</c>, <c>requests.exceptions.ConnectionError: ...</c>), and
/// chained tracebacks (a blank line, <c>During handling of the above exception, another exception occurred:</c> or
/// <c>The above exception was the direct cause of the following exception:</c>, a blank line, the next traceback).
/// Exception groups (3.11) print their tracebacks inside <c>|</c> and <c>+-</c> borders.
/// </summary>
internal sealed class PythonGrammar : TraceGrammar
{
    public static PythonGrammar Instance { get; } = new();

    private const int Header = 0; // after "Traceback (most recent call last):"
    private const int File = 1;
    private const int Code = 2;
    private const int Raised = 3; // after the exception's line
    private const int RaisedBlank = 4;
    private const int Chained = 5;
    private const int ChainedBlank = 6;
    private const int Group = 7;

    private PythonGrammar()
    {
    }

    public override int Start(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[0] is not ((byte)'T' or (byte)' ' or (byte)'E'))
        {
            return -1;
        }

        return IsTraceback(line) ? Header : IsGroupTraceback(line) ? Group : -1;
    }

    public override Step Next(int state, ReadOnlySpan<byte> line)
    {
        switch (state)
        {
            case Header:
                return IsFile(line) ? Step.Frame(File) : Step.Reject;
            case File:
            case Code:
                if (IsFile(line))
                {
                    return Step.Frame(File);
                }

                // The source line, and the markers under it; a file whose source is not available has neither.
                if (LineShape.Indent(line) >= 4 && !LineShape.IsBlank(line))
                {
                    return Step.Frame(Code);
                }

                if (line.StartsWith("  [Previous line repeated "u8))
                {
                    return Step.Frame(Code);
                }

                return IsRaised(line) ? Step.Frame(Raised) : Step.Reject;
            case Raised:
                return LineShape.IsBlank(line) ? Step.Maybe(RaisedBlank) : IsChaining(line) ? Step.Maybe(Chained) : Step.Reject;
            case RaisedBlank:
                return IsChaining(line) ? Step.Maybe(Chained) : Step.Reject;
            case Chained:
                return LineShape.IsBlank(line) ? Step.Maybe(ChainedBlank) : Step.Reject;
            case ChainedBlank:
                return IsTraceback(line) ? Step.Maybe(Header) : IsGroupTraceback(line) ? Step.Maybe(Group) : Step.Reject;
            case Group:
                // Bordered lines, up to the next top-level group's header ("  + Exception Group Traceback ...").
                var indent = LineShape.Indent(line);
                return indent >= 2 && indent < line.Length && line[indent] is (byte)'|' or (byte)'+' && !IsGroupTraceback(line)
                    ? Step.Frame(Group)
                    : Step.Reject;
            default:
                return Step.Reject;
        }
    }

    private static bool IsTraceback(ReadOnlySpan<byte> line) => LineShape.TrimEnd(line).SequenceEqual("Traceback (most recent call last):"u8);

    private static bool IsGroupTraceback(ReadOnlySpan<byte> line)
    {
        var text = LineShape.Trim(line);
        if (text.StartsWith("+ "u8))
        {
            text = text[2..];
        }

        return text.SequenceEqual("Exception Group Traceback (most recent call last):"u8);
    }

    private static bool IsFile(ReadOnlySpan<byte> line) => line.StartsWith("  File \""u8);

    private static bool IsChaining(ReadOnlySpan<byte> line)
    {
        var text = LineShape.TrimEnd(line);
        return text.SequenceEqual("During handling of the above exception, another exception occurred:"u8)
            || text.SequenceEqual("The above exception was the direct cause of the following exception:"u8);
    }

    /// <summary>The exception's line: a dotted name at the start, then <c>": "</c> and its message, or nothing.</summary>
    private static bool IsRaised(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || !(LineShape.IsLetter(line[0]) || line[0] == '_'))
        {
            return false;
        }

        var end = 1;
        while (end < line.Length && (LineShape.IsLetter(line[end]) || LineShape.IsDigit(line[end]) || line[end] is (byte)'_' or (byte)'.' || line[end] >= 0x80))
        {
            end++;
        }

        var rest = line[end..];
        return LineShape.IsBlank(rest) || (rest[0] == ':' && (rest.Length == 1 || rest[1] == ' '));
    }
}
