using BenchmarkDotNet.Attributes;
using NodeAgent.Parsing;

namespace NodeAgent.Benchmarks;

/// <summary><see cref="CriParser.TryParse"/> of whole CRI lines, per line.</summary>
[MemoryDiagnoser]
public class CriParserBenchmarks
{
    private readonly LineBlock _block = Inputs.Cri;

    [GlobalSetup]
    public void Setup()
    {
        if (ParseCriLines() <= 0)
        {
            throw new InvalidOperationException("a CRI line did not parse");
        }
    }

    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int ParseCriLines()
    {
        var total = 0;
        for (var i = 0; i < Inputs.LineCount; i++)
        {
            if (!CriParser.TryParse(_block.Line(i), out var cri))
            {
                return -1;
            }

            total += cri.Message.End.Value - cri.Message.Start.Value;
        }

        return total;
    }
}
