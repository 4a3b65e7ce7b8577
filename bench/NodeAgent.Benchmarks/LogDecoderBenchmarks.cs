using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using NodeAgent.Delivery;
using NodeAgent.Parsing;
using NodeAgent.Tailing;

namespace NodeAgent.Benchmarks;

/// <summary>
/// <see cref="LogDecoder.Decode(ReadOnlySpan{byte}, long, long, bool, ICollection{LogRecord})"/> of whole lines into
/// one reused list, cleared after each line, per line (a P/F pair is two lines and one record). Each invocation is a
/// reading turn: the file's record arena is reset first, as the reader does.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "The decoders are disposed by [GlobalCleanup], BenchmarkDotNet's end of a benchmark.")]
public class LogDecoderBenchmarks
{
    private readonly List<LogRecord> _records = new(4);
    private LogDecoder _cri = null!;
    private LogDecoder _docker = null!;
    private ReadOnlySequence<byte> _segmented;

    [GlobalSetup]
    public void Setup()
    {
        _cri = new LogDecoder(Inputs.MaxMessageBytes);
        _docker = new LogDecoder(Inputs.MaxMessageBytes);
        _segmented = Inputs.Segmented(Inputs.Cri.Bytes);
        if (DecodeCriLines() != Inputs.LineCount || DecodeCriPartialPairs() != Inputs.LineCount / 2
            || DecodeDockerLines() != Inputs.LineCount || FrameAndDecodeCriLines() != Inputs.LineCount
            || _cri.Format != LogFormat.Cri || _docker.Format != LogFormat.DockerJson)
        {
            throw new InvalidOperationException("the decoder did not make one record per message");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cri.Dispose();
        _docker.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int DecodeCriLines() => Decode(_cri, Inputs.Cri);

    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int DecodeCriPartialPairs() => Decode(_cri, Inputs.CriPartialPairs);

    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int DecodeDockerLines() => Decode(_docker, Inputs.Docker);

    /// <summary>FileTail's loop: frame the 4 KiB-segment buffer and decode each line (a line straddling two segments
    /// is copied once into a pooled buffer).</summary>
    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int FrameAndDecodeCriLines()
    {
        var buffer = _segmented;
        var offset = 0L;
        var count = 0;
        // One invocation is one reading turn: the previous turn's record bytes go back first, as FileTail.Pump does.
        _cri.Arena.Reset();
        while (LineFramer.TryReadLine(ref buffer, Inputs.MaxLineBytes, out var line, out var split))
        {
            var end = offset + line.Length + (split ? 0 : 1);
            _cri.Decode(line, offset, end, split, _records);
            offset = end;
            count += _records.Count;
            _records.Clear();
        }

        return count;
    }

    private int Decode(LogDecoder decoder, LineBlock block)
    {
        var count = 0;
        decoder.Arena.Reset();
        for (var i = 0; i < Inputs.LineCount; i++)
        {
            var (start, length) = block.Lines[i].GetOffsetAndLength(block.Bytes.Length);
            decoder.Decode(block.Line(i), start, start + length + 1, split: false, _records);
            count += _records.Count;
            _records.Clear();
        }

        return count;
    }
}
