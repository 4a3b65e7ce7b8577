using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace NodeAgent.Benchmarks;

/// <summary>
/// Per-line cost of the log path's hot loop: framing, parsing, decoding and document encoding. Run with
/// <c>dotnet run -c Release --project bench/NodeAgent.Benchmarks -- --filter '*'</c>; every benchmark processes a whole
/// block of lines per invocation and reports per line (OperationsPerInvoke).
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        // A mutator, not a default job: it adds the toolchain to every job, a command line's --job (short, dry...) included.
        var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(ProjectToolchain.Instance).AsMutator());
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
