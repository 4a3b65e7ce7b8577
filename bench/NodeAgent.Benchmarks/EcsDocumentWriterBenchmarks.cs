using System.Buffers;
using BenchmarkDotNet.Attributes;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Parsing;
using NodeAgent.Shipping;

namespace NodeAgent.Benchmarks;

/// <summary><see cref="EcsDocumentWriter.Write"/> of one document per record into a reused buffer (reset per block,
/// as one bulk body), per document.</summary>
[MemoryDiagnoser]
public class EcsDocumentWriterBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(8 << 20);
    private readonly DocumentFields _fields = DocumentContexts.Orders();

    private DocumentContext _enriched = null!;
    private LogRecord[] _criRecords = [];
    private LogRecord[] _dockerRecords = [];
    private LogRecord[] _jsonRecords = [];

    [GlobalSetup]
    public void Setup()
    {
        _criRecords = Decode(Inputs.Cri);
        _dockerRecords = Decode(Inputs.Docker);
        _jsonRecords = Decode(Inputs.CriJson);
        _enriched = _fields.With(new KubernetesFields(PodMetadata.From(Pod()), null, false, "prod-eu"), parseJson: true).Context;
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

    /// <summary>The same lines with a pod's metadata (labels, annotations, owners, image): encoded once per pod
    /// change into the context, so a document should cost what it cost without (the tail is copied as bytes).</summary>
    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int WriteEnrichedCriDocuments() => Write(_criRecords, _enriched);

    /// <summary>JSON log lines of a pod annotated node-agent.io/parse: json (validated, then copied under "json").</summary>
    [Benchmark(OperationsPerInvoke = Inputs.LineCount)]
    public int WriteParsedJsonDocuments() => Write(_jsonRecords, _enriched);

    private int Write(LogRecord[] records, DocumentContext? context = null)
    {
        _output.ResetWrittenCount();
        foreach (var record in records)
        {
            EcsDocumentWriter.Write(_output, record, context ?? _fields.Context);
        }

        return _output.WrittenCount;
    }

    /// <summary>A Deployment's pod as the API server describes it: six labels, four annotations, two containers.</summary>
    private static PodObject Pod() => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "orders-7d9f8b6c5-x2k4q",
            Namespace = "shop",
            Uid = "9b2f4c1e-3a5d-4e6f-8a7b-1c2d3e4f5a6b",
            Labels = new() { ["app"] = "orders", ["app.kubernetes.io/name"] = "orders", ["app.kubernetes.io/part-of"] = "shop", ["app.kubernetes.io/version"] = "4.2.1", ["team"] = "payments", ["pod-template-hash"] = "7d9f8b6c5" },
            Annotations = new() { ["prometheus.io/scrape"] = "true", ["prometheus.io/port"] = "8080", ["kubectl.kubernetes.io/restartedAt"] = "2026-11-27T09:00:00Z", ["node-agent.io/parse"] = "json" },
            OwnerReferences = [new OwnerReference { Kind = "ReplicaSet", Name = "orders-7d9f8b6c5", Controller = true }],
        },
        Spec = new PodSpec { NodeName = "node-a", Containers = [new ContainerSpec { Name = "orders", Image = "registry.example.com/shop/orders:4.2.1" }, new ContainerSpec { Name = "envoy", Image = "envoyproxy/envoy:v1.31" }] },
        Status = new PodStatus { PodIp = "10.244.1.23", ContainerStatuses = [new ContainerStatus { Name = "orders", ContainerId = "containerd://0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }] },
    };

    private static LogRecord[] Decode(LineBlock block)
    {
        using var decoder = new LogDecoder(Inputs.MaxMessageBytes);
        var records = new List<LogRecord>();
        for (var i = 0; i < Inputs.LineCount; i++)
        {
            var (start, length) = block.Lines[i].GetOffsetAndLength(block.Bytes.Length);
            decoder.Decode(block.Line(i), start, start + length + 1, split: false, records);
        }

        // The records' bytes live in the decoder's arena, whose chunks go back to a shared pool when it is disposed
        // (and are then reused by the next block's decoding): each record gets bytes of its own.
        return [.. records.Select(r => new LogRecord(System.Text.Encoding.ASCII.GetString(r.Timestamp.Span), r.Stream, r.Message.ToArray(), r.StartOffset, r.EndOffset, r.Flags))];
    }
}
