using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>
/// The two fields of <c>/proc/[pid]/stat</c> (and <c>/proc/[pid]/task/[tid]/stat</c>; proc(5)) that the processes
/// collector counts: field 3, the state letter (<c>R</c>, <c>S</c>, <c>D</c>, <c>Z</c>, <c>I</c>, …), and field 20,
/// the number of threads. The command name (field 2) may hold spaces and parentheses, so the fields are counted from
/// the last <c>)</c>, as prometheus/procfs does.
/// </summary>
internal readonly record struct TaskState(string State, long Threads)
{
    // The one-letter states, made once: a scrape reads a stat file per thread and allocates no state text.
    private static readonly string[] Letters = [.. Enumerable.Range(0, 128).Select(c => ((char)c).ToString())];

    public static bool TryParse(ReadOnlySpan<byte> content, out TaskState task)
    {
        task = default;
        var close = content.LastIndexOf((byte)')');
        if (close < 0)
        {
            return false;
        }

        var rest = content[(close + 1)..];
        if (!AsciiFields.NextField(ref rest, out var state))
        {
            return false;
        }

        // Fields 4 to 19, then 20.
        for (var field = 4; field < 20; field++)
        {
            if (!AsciiFields.NextField(ref rest, out _))
            {
                return false;
            }
        }

        if (!AsciiFields.NextField(ref rest, out var threadsText)
            || !Utf8Parser.TryParse(threadsText, out long threads, out var used) || used != threadsText.Length)
        {
            return false;
        }

        task = new TaskState(state.Length == 1 && state[0] < Letters.Length ? Letters[state[0]] : Encoding.UTF8.GetString(state), threads);
        return true;
    }
}
