using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using NodeAgent.Tailing;

namespace NodeAgent.Benchmarks;

/// <summary>
/// One 1 MiB line framed as FileTail frames it: written into a pipe (4 KiB minimum segments) <see cref="ReadBytes"/> at
/// a time, framed after every write. 100-byte reads are a writer that trickles its line while the reader keeps up;
/// 16 KiB is FileTail's read chunk. Per line: searching the incomplete line from its start after every read, and
/// resuming where the previous search stopped (<see cref="LineSearch"/>).
/// </summary>
[MemoryDiagnoser]
public class LongLineBenchmarks
{
    private byte[] _line = [];

    [Params(100, 16 * 1024)]
    public int ReadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _line = new byte[Inputs.MaxLineBytes];
        Array.Fill(_line, (byte)'x');
        _line[^1] = (byte)'\n';
    }

    [Benchmark(Baseline = true)]
    public long SearchFromTheStart() => Frame(resume: false);

    [Benchmark]
    public long ResumeTheSearch() => Frame(resume: true);

    private long Frame(bool resume)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 4096, useSynchronizationContext: false));
        var search = default(LineSearch);
        var framed = 0L;
        for (var offset = 0; offset < _line.Length; offset += ReadBytes)
        {
            var count = Math.Min(ReadBytes, _line.Length - offset);
            _line.AsSpan(offset, count).CopyTo(pipe.Writer.GetSpan(count));
            pipe.Writer.Advance(count);
            pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            pipe.Reader.TryRead(out var result);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            while (resume
                ? LineFramer.TryReadLine(ref buffer, Inputs.MaxLineBytes, ref search, out var line, out _)
                : LineFramer.TryReadLine(ref buffer, Inputs.MaxLineBytes, out line, out _))
            {
                framed += line.Length;
                consumed = buffer.Start;
            }

            pipe.Reader.AdvanceTo(consumed, buffer.End);
        }

        pipe.Writer.Complete();
        pipe.Reader.Complete();
        return framed == _line.Length - 1 ? framed : throw new InvalidOperationException("the line was not framed");
    }
}
