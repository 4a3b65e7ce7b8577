using System.Buffers;
using BenchmarkDotNet.Attributes;
using NodeAgent.Parsing;
using NodeAgent.Shipping;
using NodeAgent.Tailing;

namespace NodeAgent.Benchmarks;

/// <summary><see cref="EcsDocumentWriter.Write"/> of one document per record into a reused buffer (reset per block,
/// as one bulk body), per document.</summary>
[MemoryDiagnoser]
public class EcsDocumentWriterBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4 << 20);
    private readonly DocumentContext _context = new(
        "node-a",
        "/var/log/containers/orders-7d9f8b6c5-x2k4q_shop_orders-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log",
        new PodLogInfo("shop", "orders-7d9f8b6c5-x2k4q", "9b2f4c1e-3a5d-4e6f-8a7b-1c2d3e4f5a6b", "orders", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 0),
        DataStreamName.Default,
        "0.1.0",
        "containerd");

    private LogRecord[] _criRecords = [];
    private LogRecord[] _dockerRecords = [];

    [GlobalSetup]
    public void Setup()
    {
        _criRecords = Decode(Inputs.Cri);
        _dockerRecords = Decode(Inputs.Docker);
        if (_criRecords.Length != Inputs.LineCount || _dockerRecords.Length != Inputs.LineCount)
        {
            throw new InvalidOperationException("expected one record per line");
        }
    }

    /// <summary>Plain ASCII messages: nothing to escape.</summary>
    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int WriteCriDocuments() => Write(_criRecords);

    /// <summary>Docker's unescaped messages: most hold a quote, a tab or a backslash that JSON escapes again.</summary>
    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int WriteDockerDocuments() => Write(_dockerRecords);

    private int Write(LogRecord[] records)
    {
        _output.ResetWrittenCount();
        foreach (var record in records)
        {
            EcsDocumentWriter.Write(_output, record, _context);
        }

        return _output.WrittenCount;
    }

    private static LogRecord[] Decode(LineBlock block)
    {
        using var decoder = new LogDecoder(Inputs.MaxMessageBytes);
        var records = new List<LogRecord>();
        for (var i = 0; i < Inputs.LineCount; i++)
        {
            var (start, length) = block.Lines[i].GetOffsetAndLength(block.Bytes.Length);
            decoder.Decode(block.Line(i), start, start + length + 1, split: false, records);
        }

        return [.. records];
    }
}
