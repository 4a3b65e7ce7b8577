using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;
using NodeAgent.Shipping;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Shipping;

/// <summary>
/// Documents compared byte for byte with tests/fixtures/documents/*.json (one document and a newline each), plus the
/// rules behind each field. Regenerate on purpose only: NODEAGENT_UPDATE_GOLDEN=1 dotnet test --filter EcsDocumentWriter,
/// then review the diff.
/// </summary>
public sealed class EcsDocumentWriterTests
{
    internal const string Id = "5f1b0f7d8d2c4a8e9b3c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a";
    internal const string Uid = "3b0e2f4a-9c1d-4e5f-8a7b-6c5d4e3f2a1b";
    internal const string Link = "/var/log/containers/web-0_shop_nginx-" + Id + ".log";

    internal static readonly DocumentFields PodFile = new("node-a", Link, new PodLogInfo("shop", "web-0", Uid, "nginx", Id, 2), DataStreamName.Default, "0.1.0", "containerd");

    public static TheoryData<string> GoldenNames => new(Golden.Keys);

    private static readonly Dictionary<string, (LogRecord Record, DocumentFields Context)> Golden = new(StringComparer.Ordinal)
    {
        ["cri-stdout"] = (Record("2026-11-28T10:15:00.123456789Z", "GET /healthz HTTP/1.1 200 2 \"-\" \"kube-probe/1.31\"", 0), PodFile),
        ["stderr-escapes-and-flags"] = (Record("2026-11-28T10:15:01.000000001+01:00", "panic: \"boom\"\n\tat main.go:12\\n é 日本 😀 \u2028", 1_048_576, LogStream.Stderr, LogFlags.Truncated | LogFlags.PartialFlushed), PodFile),
        ["invalid-utf8-and-nul"] = (Record("2026-11-28T10:15:02.5Z", "ok ", 130, flags: LogFlags.Malformed, tail: [0xFF, 0xFE, (byte)' ', 0xE2, 0x82, (byte)' ', (byte)'e', 0x00, 0x01, 0x1B, (byte)'[', (byte)'m', 0x7F, 0xC3]), PodFile),
        ["outside-kubernetes"] = (Record("2026-11-28T10:15:03Z", "plain file line", 42), new DocumentFields("node-b", "/var/log/app/server.log", null, new DataStreamName("logs", "app.server", "prod"), "1.2.3")),
        ["kubernetes-enriched"] = (Record("2026-11-28T10:15:05.000000001Z", "{\"level\":\"warn\",\"@timestamp\":\"inner\",\"message\":\"m\"}", 11), Enriched()),
        ["link-only"] = (Record("2026-11-28T10:15:04.999999999Z", "{\"level\":\"info\",\"msg\":\"json inside\"}", 7), new DocumentFields("node-a", Link, new PodLogInfo("shop", "web-0", null, "nginx", Id, null), DataStreamName.Default, "0.1.0")),
    };

    /// <summary>The fixture pod (a Deployment's, with the parse annotation) on a /var/log/pods file of its nginx container.</summary>
    private static DocumentFields Enriched()
    {
        var pod = NodeAgent.Kubernetes.PodMetadata.From(Tests.Kubernetes.KubernetesFixtures.DeploymentPod());
        var ns = NodeAgent.Kubernetes.NamespaceMetadata.From(Tests.Kubernetes.KubernetesFixtures.Namespace("shop", ("team", "payments"), ("kubernetes.io/metadata.name", "shop")));
        var path = "/var/log/pods/shop_web-5d8f7b9c4-x2x7q_" + Uid + "/nginx/2.log";
        return new DocumentFields("node-a", path, new PodLogInfo("shop", "web-5d8f7b9c4-x2x7q", Uid, "nginx", null, 2), DataStreamName.Default, "0.1.0",
            kubernetes: new NodeAgent.Kubernetes.KubernetesFields(pod, ns, NamespaceLabels: true, "prod-eu"), parseJson: pod.ParseJson);
    }

    internal static LogRecord Record(string timestamp, string message, long offset, LogStream stream = LogStream.Stdout, LogFlags flags = LogFlags.None, byte[]? tail = null) =>
        new(timestamp, stream, (byte[])[.. Encoding.UTF8.GetBytes(message), .. tail ?? []], offset, offset + 100, flags);

    internal static byte[] WriteOne(LogRecord record, DocumentFields context)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EcsDocumentWriter.Write(buffer, record, context.Context);
        return buffer.WrittenSpan.ToArray();
    }

    internal static JsonElement Parse(LogRecord record, DocumentFields context)
    {
        using var document = JsonDocument.Parse(WriteOne(record, context));
        return document.RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(GoldenNames))]
    public void Documents_match_the_golden_files_byte_for_byte(string name)
    {
        var (record, context) = Golden[name];
        byte[] actual = [.. WriteOne(record, context), (byte)'\n'];
        var path = Repository.Fixture("documents", name + ".json");
        if (GoldenFiles.UpdateRequested())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} missing: run NODEAGENT_UPDATE_GOLDEN=1 dotnet test --filter EcsDocumentWriter");
        Assert.Equal(Encoding.UTF8.GetString(File.ReadAllBytes(path)), Encoding.UTF8.GetString(actual));
        Assert.Equal(File.ReadAllBytes(path), actual);
    }

    [Fact]
    public void A_document_has_exactly_the_contracts_fields()
    {
        var doc = Parse(Record("2026-11-28T10:15:00.123456789Z", "hello", 4096), PodFile);
        string[] expected =
        [
            "@timestamp", "message", "stream", "log.offset", "log.file.path", "kubernetes.namespace", "kubernetes.pod.name",
            "kubernetes.pod.uid", "kubernetes.container.name", "kubernetes.node.name", "container.id", "container.runtime",
            "host.name", "data_stream.type", "data_stream.dataset", "data_stream.namespace", "event.dataset", "agent.type",
            "agent.version", "ecs.version",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Leaves(doc).Select(l => l.Path).Order(StringComparer.Ordinal));

        var values = Leaves(doc).ToDictionary(l => l.Path, l => l.Value.ToString(), StringComparer.Ordinal);
        Assert.Equal("2026-11-28T10:15:00.123456789Z", values["@timestamp"]);
        Assert.Equal("hello", values["message"]);
        Assert.Equal("stdout", values["stream"]);
        Assert.Equal("4096", values["log.offset"]);
        Assert.Equal(Link, values["log.file.path"]);
        Assert.Equal("shop", values["kubernetes.namespace"]);
        Assert.Equal("web-0", values["kubernetes.pod.name"]);
        Assert.Equal(Uid, values["kubernetes.pod.uid"]);
        Assert.Equal("nginx", values["kubernetes.container.name"]);
        Assert.Equal("node-a", values["kubernetes.node.name"]);
        Assert.Equal(Id, values["container.id"]);
        Assert.Equal("containerd", values["container.runtime"]);
        Assert.Equal("node-a", values["host.name"]);
        Assert.Equal("logs", values["data_stream.type"]);
        Assert.Equal("kubernetes.container_logs", values["data_stream.dataset"]);
        Assert.Equal("default", values["data_stream.namespace"]);
        Assert.Equal("kubernetes.container_logs", values["event.dataset"]);
        Assert.Equal("node-agent", values["agent.type"]);
        Assert.Equal("0.1.0", values["agent.version"]);
        Assert.Equal("8.11.0", values["ecs.version"]);
        Assert.Equal(JsonValueKind.Number, doc.GetProperty("log").GetProperty("offset").ValueKind);
    }

    [Fact]
    public void The_offset_is_where_the_first_byte_of_the_message_lies()
    {
        var record = new LogRecord("2026-11-28T10:15:00Z", LogStream.Stdout, "joined"u8.ToArray(), 5_000_000_000, 5_000_000_300, LogFlags.None);
        Assert.Equal(5_000_000_000, Parse(record, PodFile).GetProperty("log").GetProperty("offset").GetInt64());
    }

    [Theory]
    [InlineData(false, "stdout")]
    [InlineData(true, "stderr")]
    public void The_stream_is_named_as_the_runtime_names_it(bool stderr, string expected) =>
        Assert.Equal(expected, Parse(Record("2026-11-28T10:15:00Z", "x", 0, stderr ? LogStream.Stderr : LogStream.Stdout), PodFile).GetProperty("stream").GetString());

    [Theory]
    [InlineData("2026-11-28T10:15:00.123456789Z")]
    [InlineData("2026-11-28T10:15:00.1Z")]
    [InlineData("2026-11-28T10:15:00Z")]
    [InlineData("2026-11-28T11:15:00.000000010+01:00")]
    public void The_timestamp_is_the_runtimes_text_with_all_its_digits(string timestamp)
    {
        var bytes = WriteOne(Record(timestamp, "x", 0), PodFile);
        Assert.StartsWith("{\"@timestamp\":\"" + timestamp + "\",", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_files_line_has_no_stream_and_names_the_plain_data_stream()
    {
        var plain = new DocumentFields("node-b", "/var/log/syslog", null, DataStreamName.Default, "1.0.0").AsPlain(DataStreamName.PlainDefault);
        var doc = Parse(Record("2026-12-08T03:31:12Z", "Dec  8 03:31:12 node-b cron: x", 0), plain);

        Assert.False(doc.TryGetProperty("stream", out _));
        Assert.Equal("host.file", doc.GetProperty("data_stream").GetProperty("dataset").GetString());
        Assert.Equal("host.file", doc.GetProperty("event").GetProperty("dataset").GetString());
        Assert.Equal("logs-host.file-default"u8.ToArray(), plain.Context.Index);
        Assert.Null(PodFile.Context.Index);
    }

    [Fact]
    public void A_plain_file_keeps_being_plain_when_its_kubernetes_fields_change()
    {
        var plain = new DocumentFields("node-b", "/var/log/syslog", null, DataStreamName.Default, "1.0.0").AsPlain(DataStreamName.PlainDefault);
        var enriched = plain.With(null, parseJson: true);

        Assert.True(enriched.Plain);
        Assert.False(enriched.Context.HasStream);
        Assert.Equal(DataStreamName.PlainDefault, enriched.DataStream);
    }

    [Fact]
    public void Without_flags_there_is_no_flags_field()
    {
        var doc = Parse(Record("2026-11-28T10:15:00Z", "fine", 0), PodFile);
        Assert.False(doc.GetProperty("log").TryGetProperty("flags", out _));
    }

    [Theory]
    [InlineData((int)LogFlags.Truncated, "truncated")]
    [InlineData((int)LogFlags.PartialFlushed, "partial_flushed")]
    [InlineData((int)LogFlags.InvalidUtf8, "invalid_utf8")]
    [InlineData((int)LogFlags.Malformed, "malformed")]
    [InlineData((int)LogFlags.ContainsNul, "contains_nul")]
    [InlineData((int)(LogFlags.Truncated | LogFlags.Malformed | LogFlags.ContainsNul), "truncated,malformed,contains_nul")]
    [InlineData(31, "truncated,partial_flushed,invalid_utf8,malformed,contains_nul")]
    public void Each_flag_is_one_keyword_in_log_flags(int flags, string expected)
    {
        var doc = Parse(Record("2026-11-28T10:15:00Z", "text", 0, flags: (LogFlags)flags), PodFile);
        var values = doc.GetProperty("log").GetProperty("flags").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(expected.Split(','), values);
    }

    [Fact]
    public void Without_pod_metadata_kubernetes_holds_only_the_node_and_container_is_left_out()
    {
        var context = new DocumentFields("node-b", "/var/log/app.log", null, DataStreamName.Default, "1.0.0");
        var doc = Parse(Record("2026-11-28T10:15:00Z", "x", 0), context);
        var kubernetes = doc.GetProperty("kubernetes");
        Assert.Equal(["node"], kubernetes.EnumerateObject().Select(p => p.Name));
        Assert.Equal("node-b", kubernetes.GetProperty("node").GetProperty("name").GetString());
        Assert.False(doc.TryGetProperty("container", out _));
        Assert.Equal("/var/log/app.log", doc.GetProperty("log").GetProperty("file").GetProperty("path").GetString());
    }

    [Fact]
    public void An_unknown_uid_is_left_out_of_the_pod()
    {
        var context = new DocumentFields("n", Link, new PodLogInfo("shop", "web-0", null, "nginx", Id, null), DataStreamName.Default, "1");
        var pod = Parse(Record("2026-11-28T10:15:00Z", "x", 0), context).GetProperty("kubernetes").GetProperty("pod");
        Assert.Equal(["name"], pod.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData(Id, null, "id")]
    [InlineData(null, "cri-o", "runtime")]
    [InlineData(Id, "containerd", "id,runtime")]
    [InlineData(null, null, "")]
    public void Container_fields_appear_only_when_known(string? id, string? runtime, string expected)
    {
        var context = new DocumentFields("n", "/p.log", new PodLogInfo("ns", "pod", "uid", "c", id, 0), DataStreamName.Default, "1", runtime);
        var doc = Parse(Record("2026-11-28T10:15:00Z", "x", 0), context);
        var names = doc.TryGetProperty("container", out var container) ? container.EnumerateObject().Select(p => p.Name) : [];
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), names);
    }

    [Fact]
    public void The_data_stream_and_event_dataset_follow_the_target()
    {
        var context = new DocumentFields("n", "/p.log", null, new DataStreamName("logs", "team.payments", "staging"), "1");
        var doc = Parse(Record("2026-11-28T10:15:00Z", "x", 0), context);
        Assert.Equal("logs", doc.GetProperty("data_stream").GetProperty("type").GetString());
        Assert.Equal("team.payments", doc.GetProperty("data_stream").GetProperty("dataset").GetString());
        Assert.Equal("staging", doc.GetProperty("data_stream").GetProperty("namespace").GetString());
        Assert.Equal("team.payments", doc.GetProperty("event").GetProperty("dataset").GetString());
    }

    [Fact]
    public void Documents_append_to_the_callers_buffer_one_after_another()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("{\"create\":{}}\n"u8);
        EcsDocumentWriter.Write(buffer, Record("2026-11-28T10:15:00Z", "one", 0), PodFile.Context);
        buffer.Write("\n"u8);
        EcsDocumentWriter.Write(buffer, Record("2026-11-28T10:15:01Z", "two", 100, LogStream.Stderr), PodFile.Context);
        buffer.Write("\n"u8);

        var lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["one", "two"], lines[1..].Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()));
        Assert.Equal(Encoding.UTF8.GetString(WriteOne(Record("2026-11-28T10:15:00Z", "one", 0), PodFile)), lines[1]);
    }

    [Fact]
    public void A_failing_buffer_leaves_the_writer_usable_for_the_next_document()
    {
        Assert.Throws<InvalidOperationException>(() => EcsDocumentWriter.Write(new FailingBufferWriter(), Record("2026-11-28T10:15:00Z", "x", 0), PodFile.Context));
        Assert.Equal("y", Parse(Record("2026-11-28T10:15:00Z", "y", 0), PodFile).GetProperty("message").GetString());
    }

    [Fact]
    public void Output_is_one_line_of_valid_utf8_whatever_the_message()
    {
        byte[] message = [.. "a\nb\r\n\u0085\u2028"u8, 0xFF, 0x0A, 0x00];
        var bytes = WriteOne(new LogRecord("2026-11-28T10:15:00Z", LogStream.Stdout, message, 0, 10, LogFlags.None), PodFile);
        Assert.DoesNotContain((byte)'\n', bytes);
        Assert.DoesNotContain((byte)'\r', bytes);
        Assert.True(Utf8.IsValid(bytes));
    }

    internal static IEnumerable<(string Path, JsonElement Value)> Leaves(JsonElement element, string prefix = "")
    {
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var leaf in Leaves(property.Value, path))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, property.Value);
            }
        }
    }

    private sealed class FailingBufferWriter : IBufferWriter<byte>
    {
        public void Advance(int count) => throw new InvalidOperationException();

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException();

        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException();
    }
}
