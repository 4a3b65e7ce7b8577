using System.Buffers;
using BenchmarkDotNet.Attributes;
using NodeAgent.Parsing;

namespace NodeAgent.Benchmarks;

/// <summary><see cref="DockerJsonParser.TryParse"/> of whole json-file lines, unescaping each message into a reused
/// buffer, per line.</summary>
[MemoryDiagnoser]
public class DockerJsonParserBenchmarks
{
    private readonly LineBlock _block = Inputs.Docker;
    private readonly ArrayBufferWriter<byte> _message = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        if (ParseDockerLines() <= 0)
        {
            throw new InvalidOperationException("a docker line did not parse");
        }
    }

    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int ParseDockerLines()
    {
        var total = 0;
        for (var i = 0; i < Inputs.LineCount; i++)
        {
            _message.ResetWrittenCount();
            if (!DockerJsonParser.TryParse(_block.Line(i), _message, out _))
            {
                return -1;
            }

            total += _message.WrittenCount;
        }

        return total;
    }
}
