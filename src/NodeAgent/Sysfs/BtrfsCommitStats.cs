using System.Buffers.Text;

namespace NodeAgent.Sysfs;

/// <summary>
/// <c>/sys/fs/btrfs/&lt;uuid&gt;/commit_stats</c> (Linux 6.0+, fs/btrfs/sysfs.c): <c>key value</c> lines; the
/// durations are milliseconds. Unknown keys (cur_commit_ms) are ignored, as procfs ignores them.
/// </summary>
internal readonly record struct BtrfsCommitStats(ulong Commits, ulong LastCommitMs, ulong MaxCommitMs, ulong TotalCommitMs)
{
    /// <summary>False when a line is not exactly a key and an unsigned number (procfs rejects the file then).</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out BtrfsCommitStats stats)
    {
        stats = default;
        ulong commits = 0, last = 0, max = 0, total = 0;
        content = content.EndsWith("\n"u8) ? content[..^1] : content;
        if (content.IsEmpty)
        {
            return true;
        }

        Span<Range> fields = stackalloc Range[3];
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var count = 0;
            foreach (var fieldRange in line.Split((byte)' '))
            {
                if (line[fieldRange].IsEmpty)
                {
                    continue;
                }

                if (count == fields.Length)
                {
                    return false;
                }

                fields[count++] = fieldRange;
            }

            var valueText = count == 2 ? line[fields[1]] : default;
            if (count != 2 || !Utf8Parser.TryParse(valueText, out ulong value, out var consumed) || consumed != valueText.Length)
            {
                return false;
            }

            var key = line[fields[0]];
            if (key.SequenceEqual("commits"u8))
            {
                commits = value;
            }
            else if (key.SequenceEqual("last_commit_ms"u8))
            {
                last = value;
            }
            else if (key.SequenceEqual("max_commit_ms"u8))
            {
                max = value;
            }
            else if (key.SequenceEqual("total_commit_ms"u8))
            {
                total = value;
            }
        }

        stats = new BtrfsCommitStats(commits, last, max, total);
        return true;
    }
}
