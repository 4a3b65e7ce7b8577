using Microsoft.Extensions.Logging;
using NodeAgent.Procfs;

namespace NodeAgent.Metrics.Collectors;

/// <summary>Per-CPU times in seconds (USER_HZ ticks / 100, divided as prometheus/procfs divides).</summary>
internal readonly record struct CpuSeconds(
    double User, double Nice, double System, double Idle, double Iowait, double Irq, double SoftIrq, double Steal, double Guest, double GuestNice)
{
    private const double TicksPerSecond = ProcessStat.TicksPerSecond;

    public static CpuSeconds From(CpuTicks t) => new(
        t.User / TicksPerSecond, t.Nice / TicksPerSecond, t.System / TicksPerSecond, t.Idle / TicksPerSecond,
        t.Iowait / TicksPerSecond, t.Irq / TicksPerSecond, t.SoftIrq / TicksPerSecond, t.Steal / TicksPerSecond,
        t.Guest / TicksPerSecond, t.GuestNice / TicksPerSecond);
}

/// <summary>
/// The last exported times per CPU, so <c>node_cpu_seconds_total</c> never goes backwards within the process: the
/// kernel's iowait (and, on some hypervisors and after hotplug, other columns) can decrease between reads. This is
/// node_exporter's <c>updateCPUStats</c> (collector/cpu_linux.go, 1.9–1.12), rule for rule:
/// <list type="bullet">
/// <item>if idle fell by 3 s or more (<c>jumpBackSeconds</c>), the CPU is taken to have been hot-unplugged and
/// re-plugged: its cached times are reset to zero, so every new value is accepted;</item>
/// <item>otherwise each of the ten columns independently takes the new value only when it is not smaller; a smaller
/// value is ignored and the cached one is exported again;</item>
/// <item>CPUs no longer in /proc/stat (gone offline) are dropped, so their series disappear.</item>
/// </list>
/// One instance belongs to one collector instance; a lock makes updates and reads safe even if two scrapes overlap.
/// </summary>
internal sealed partial class CpuTimeCache(ILogger logger)
{
    public const double JumpBackSeconds = 3.0;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, CpuSeconds> _cpus = [];

    /// <summary>Folds a new /proc/stat reading in and returns what to export, ordered by CPU id.</summary>
    public IReadOnlyList<(long Cpu, CpuSeconds Seconds)> Update(IReadOnlyList<CpuLine> reading)
    {
        lock (_lock)
        {
            foreach (var line in reading)
            {
                var fresh = CpuSeconds.From(line.Ticks);
                _cpus.TryGetValue(line.Cpu, out var cached);
                if (cached.Idle - fresh.Idle >= JumpBackSeconds)
                {
                    Log.IdleJumpedBack(logger, line.Cpu, cached.Idle, fresh.Idle);
                    cached = default;
                }

                _cpus[line.Cpu] = new CpuSeconds(
                    Keep(line.Cpu, "User", cached.User, fresh.User),
                    Keep(line.Cpu, "Nice", cached.Nice, fresh.Nice),
                    Keep(line.Cpu, "System", cached.System, fresh.System),
                    Keep(line.Cpu, "Idle", cached.Idle, fresh.Idle),
                    Keep(line.Cpu, "Iowait", cached.Iowait, fresh.Iowait),
                    Keep(line.Cpu, "IRQ", cached.Irq, fresh.Irq),
                    Keep(line.Cpu, "SoftIRQ", cached.SoftIrq, fresh.SoftIrq),
                    Keep(line.Cpu, "Steal", cached.Steal, fresh.Steal),
                    Keep(line.Cpu, "Guest", cached.Guest, fresh.Guest),
                    Keep(line.Cpu, "GuestNice", cached.GuestNice, fresh.GuestNice));
            }

            if (_cpus.Count != reading.Count)
            {
                var online = new HashSet<long>(reading.Count);
                foreach (var line in reading)
                {
                    online.Add(line.Cpu);
                }

                foreach (var cpu in _cpus.Keys.Where(c => !online.Contains(c)).ToList())
                {
                    _cpus.Remove(cpu);
                }
            }

            var result = new List<(long, CpuSeconds)>(_cpus.Count);
            foreach (var (cpu, seconds) in _cpus)
            {
                result.Add((cpu, seconds));
            }

            result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
            return result;
        }
    }

    private double Keep(long cpu, string column, double cached, double fresh)
    {
        if (fresh >= cached)
        {
            return fresh;
        }

        Log.CounterJumpedBack(logger, column, cpu, cached, fresh);
        return cached;
    }

    private static partial class Log
    {
        [LoggerMessage(201, LogLevel.Debug, "CPU Idle counter jumped backwards more than 3 seconds, possible hotplug event, resetting CPU stats (cpu {Cpu}: {OldValue} -> {NewValue})", EventName = "CpuIdleJumpedBack")]
        public static partial void IdleJumpedBack(ILogger logger, long cpu, double oldValue, double newValue);

        [LoggerMessage(202, LogLevel.Debug, "CPU {Column} counter jumped backwards (cpu {Cpu}: {OldValue} -> {NewValue}); keeping the old value", EventName = "CpuCounterJumpedBack")]
        public static partial void CounterJumpedBack(ILogger logger, string column, long cpu, double oldValue, double newValue);
    }
}
