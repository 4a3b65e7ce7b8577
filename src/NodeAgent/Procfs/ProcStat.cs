namespace NodeAgent.Procfs;

/// <summary>The ten time columns of a <c>cpu</c> line of <c>/proc/stat</c> (proc(5)), in USER_HZ ticks. The kernel
/// already counts <see cref="Guest"/> inside <see cref="User"/> and <see cref="GuestNice"/> inside <see cref="Nice"/>.</summary>
internal readonly record struct CpuTicks(
    ulong User, ulong Nice, ulong System, ulong Idle, ulong Iowait, ulong Irq, ulong SoftIrq, ulong Steal, ulong Guest, ulong GuestNice);

/// <summary>One <c>cpuN</c> line; the aggregate <c>cpu</c> line is not kept (node_exporter exports per-CPU only).</summary>
internal readonly record struct CpuLine(long Cpu, CpuTicks Ticks);

/// <summary>The <c>softirq</c> line's per-vector counts, in the kernel's vector order (softirq_to_name).</summary>
internal readonly record struct SoftirqCounts(
    ulong Hi, ulong Timer, ulong NetTx, ulong NetRx, ulong Block, ulong BlockIoPoll, ulong Tasklet, ulong Sched, ulong Hrtimer, ulong Rcu);

/// <summary>
/// <c>/proc/stat</c> as prometheus/procfs' <c>Stat()</c> reads it: lines with fewer than two fields are skipped, keys
/// that are absent stay 0, a key whose value does not parse fails the whole file.
/// </summary>
internal sealed record ProcStat(
    IReadOnlyList<CpuLine> Cpus,
    ulong IrqTotal,
    ulong ContextSwitches,
    ulong BootTime,
    ulong ProcessesCreated,
    ulong ProcessesRunning,
    ulong ProcessesBlocked,
    SoftirqCounts Softirq)
{
    public static bool TryParse(ReadOnlySpan<byte> content, out ProcStat stat, out string error)
    {
        stat = null!;
        error = "";
        var cpus = new List<CpuLine>(16);
        ulong intr = 0, ctxt = 0, btime = 0, processes = 0, running = 0, blocked = 0;
        var softirq = default(SoftirqCounts);
        Span<Range> fields = stackalloc Range[12];
        var rest = content;
        while (AsciiFields.NextLine(ref rest, out var line))
        {
            var count = AsciiFields.Split(line, fields);
            if (count < 2)
            {
                continue;
            }

            var key = line[fields[0]];
            var first = line[fields[1]];
            var ok = true;
            if (key.StartsWith("cpu"u8))
            {
                ok = TryParseCpu(line, fields[..Math.Min(count, fields.Length)], cpus);
            }
            else if (key.SequenceEqual("softirq"u8))
            {
                ok = TryParseSoftirq(line, fields[..Math.Min(count, fields.Length)], out softirq);
            }
            else if (key.SequenceEqual("intr"u8))
            {
                // Only the total: the per-IRQ columns are the interrupts collector's business.
                ok = AsciiFields.TryParseUInt64(first, out intr);
            }
            else if (key.SequenceEqual("ctxt"u8))
            {
                ok = AsciiFields.TryParseUInt64(first, out ctxt);
            }
            else if (key.SequenceEqual("btime"u8))
            {
                ok = AsciiFields.TryParseUInt64(first, out btime);
            }
            else if (key.SequenceEqual("processes"u8))
            {
                ok = AsciiFields.TryParseUInt64(first, out processes);
            }
            else if (key.SequenceEqual("procs_running"u8))
            {
                ok = AsciiFields.TryParseUInt64(first, out running);
            }
            else if (key.SequenceEqual("procs_blocked"u8))
            {
                ok = AsciiFields.TryParseUInt64(first, out blocked);
            }

            if (!ok)
            {
                error = System.Text.Encoding.UTF8.GetString(line);
                return false;
            }
        }

        stat = new ProcStat(cpus, intr, ctxt, btime, processes, running, blocked, softirq);
        return true;
    }

    // "cpuN user nice system idle iowait irq softirq steal guest guest_nice". procfs scans up to ten values; kernels
    // older than 2.6.33 print fewer columns, which then stay 0.
    private static bool TryParseCpu(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, List<CpuLine> cpus)
    {
        Span<ulong> values = stackalloc ulong[10];
        var columns = Math.Min(fields.Length - 1, 10);
        for (var i = 0; i < columns; i++)
        {
            if (!AsciiFields.TryParseUInt64(line[fields[i + 1]], out values[i]))
            {
                return false;
            }
        }

        var name = line[fields[0]];
        if (name.Length == 3)
        {
            return true; // the aggregate "cpu" line
        }

        if (!AsciiFields.TryParseUInt64(name[3..], out var id) || id > long.MaxValue)
        {
            return false;
        }

        cpus.Add(new CpuLine((long)id, new CpuTicks(
            values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9])));
        return true;
    }

    // "softirq total hi timer net_tx net_rx block irq_poll tasklet sched hrtimer rcu": procfs requires all eleven.
    private static bool TryParseSoftirq(ReadOnlySpan<byte> line, ReadOnlySpan<Range> fields, out SoftirqCounts counts)
    {
        counts = default;
        if (fields.Length < 12)
        {
            return false;
        }

        Span<ulong> v = stackalloc ulong[11];
        for (var i = 0; i < 11; i++)
        {
            if (!AsciiFields.TryParseUInt64(line[fields[i + 1]], out v[i]))
            {
                return false;
            }
        }

        counts = new SoftirqCounts(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
        return true;
    }
}
