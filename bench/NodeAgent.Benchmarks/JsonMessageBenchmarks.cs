using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using NodeAgent.Delivery;
using NodeAgent.Shipping;

namespace NodeAgent.Benchmarks;

/// <summary>
/// <see cref="EcsDocumentWriter.Write"/> of one document whose message is a JSON object of <see cref="Keys"/> keys,
/// with parsing on (what any pod's <c>node-agent.io/parse: json</c> annotation turns on): 1,000 keys is the field cap
/// (parsed), 95,000 keys about the most a 1 MiB line holds (flagged, unparsed). Per document.
/// </summary>
[MemoryDiagnoser]
public class JsonMessageBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4 << 20);
    private readonly DocumentContext _context = DocumentContexts.Orders(parseJson: true).Context;

    private LogRecord _record;

    [Params(1_000, 20_000, 95_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < Keys; i++)
        {
            text.Append(i == 0 ? "\"k" : ",\"k").Append(i).Append("\":1");
        }

        var message = Encoding.UTF8.GetBytes(text.Append('}').ToString());
        _record = new LogRecord("2026-11-28T10:15:00.123456789Z", LogStream.Stdout, message, 0, message.Length + 41, LogFlags.None);
    }

    [Benchmark]
    public int WriteJsonDocument()
    {
        _output.ResetWrittenCount();
        EcsDocumentWriter.Write(_output, _record, _context);
        return _output.WrittenCount;
    }
}
