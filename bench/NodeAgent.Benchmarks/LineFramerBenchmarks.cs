using System.Buffers;
using BenchmarkDotNet.Attributes;
using NodeAgent.Tailing;

namespace NodeAgent.Benchmarks;

/// <summary><see cref="LineFramer.TryReadLine"/> over a pipe-like buffer of 4 KiB segments, per line.</summary>
[MemoryDiagnoser]
public class LineFramerBenchmarks
{
    private ReadOnlySequence<byte> _buffer;

    [GlobalSetup]
    public void Setup()
    {
        _buffer = Inputs.Segmented(Inputs.Cri.Bytes);
        if (FrameCriLines() != Inputs.Cri.Bytes.Length - Inputs.LineCount)
        {
            throw new InvalidOperationException("the framer did not find every line of the block");
        }
    }

    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public long FrameCriLines()
    {
        var buffer = _buffer;
        var total = 0L;
        while (LineFramer.TryReadLine(ref buffer, Inputs.MaxLineBytes, out var line, out _))
        {
            total += line.Length;
        }

        return total;
    }
}
