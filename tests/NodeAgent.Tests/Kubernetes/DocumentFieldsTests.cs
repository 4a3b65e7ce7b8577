using System.Text.Json;
using System.Text;
using NodeAgent.Delivery;
using NodeAgent.Kubernetes;

namespace NodeAgent.Tests.Kubernetes;

public sealed class DocumentFieldsTests
{
    private static readonly PodLogInfo Pod = new("shop", "web-0", "3b0e2f4a-9c1d-4e5f-8a7b-6c5d4e3f2a1b", "nginx", new string('a', 64), 0);

    [Theory]
    [InlineData("logs-kubernetes.container_logs-default", "logs", "kubernetes.container_logs", "default")]
    [InlineData("logs-app.server-prod", "logs", "app.server", "prod")]
    [InlineData("metrics-a_b-c", "metrics", "a_b", "c")]
    public void A_data_stream_name_splits_into_type_dataset_and_namespace(string name, string type, string dataset, string ns)
    {
        Assert.True(DataStreamName.TryParse(name, out var parsed));
        Assert.Equal(new DataStreamName(type, dataset, ns), parsed);
        Assert.Equal(name, parsed.ToString());
    }

    [Theory]
    [InlineData("logs-kubernetes")]
    [InlineData("logs-a-b-c")]
    [InlineData("logs--default")]
    [InlineData("-a-b")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("logs-MyApp-prod")]
    [InlineData("logs-my app-prod")]
    [InlineData("logs-app:web-prod")]
    [InlineData("logs-app#1-prod")]
    [InlineData("_logs-app-prod")]
    public void Names_outside_the_data_stream_scheme_are_refused(string? name)
    {
        Assert.False(DataStreamName.TryParse(name, out _));
        Assert.NotNull(DataStreamName.Problem(name));
    }

    [Fact]
    public void Dataset_and_namespace_are_at_most_100_characters()
    {
        Assert.True(DataStreamName.TryParse($"logs-{new string('d', 100)}-{new string('n', 100)}", out _));
        Assert.Equal("dataset and namespace are at most 100 characters", DataStreamName.Problem($"logs-{new string('d', 101)}-prod"));
    }

    [Fact]
    public void A_configured_data_stream_is_what_the_documents_name()
    {
        var context = new DocumentFields("node-a", "/var/log/containers/x.log", Pod, new DataStreamName("logs", "myapp", "prod"), "1.0.0");
        using var document = JsonDocument.Parse("{\"log\":{\"offset\":0" + Encoding.UTF8.GetString(context.Context.EncodedTail));
        var dataStream = document.RootElement.GetProperty("data_stream");
        Assert.Equal("logs", dataStream.GetProperty("type").GetString());
        Assert.Equal("myapp", dataStream.GetProperty("dataset").GetString());
        Assert.Equal("prod", dataStream.GetProperty("namespace").GetString());
        Assert.Equal("myapp", document.RootElement.GetProperty("event").GetProperty("dataset").GetString());
    }

    [Fact]
    public void Without_a_data_stream_documents_carry_no_data_stream_fields()
    {
        var context = new DocumentFields("node-a", "/var/log/containers/x.log", Pod, null, "1.0.0");
        using var document = JsonDocument.Parse("{\"log\":{\"offset\":0" + Encoding.UTF8.GetString(context.Context.EncodedTail));
        Assert.False(document.RootElement.TryGetProperty("data_stream", out _));
        Assert.Equal("kubernetes.container_logs", document.RootElement.GetProperty("event").GetProperty("dataset").GetString());
        Assert.Null(context.With(null, parseJson: true).DataStream);
    }

    [Fact]
    public void The_default_data_stream_is_the_contracts_default_target()
    {
        Assert.True(DataStreamName.TryParse("logs-kubernetes.container_logs-default", out var parsed));
        Assert.Equal(parsed, DataStreamName.Default);
    }

    [Fact]
    public void The_tail_is_the_constant_rest_of_a_document_after_log_offset()
    {
        var context = new DocumentFields("node-a", "/var/log/containers/x.log", Pod, DataStreamName.Default, "1.0.0", "containerd");
        var tail = Encoding.UTF8.GetString(context.Context.EncodedTail);
        Assert.StartsWith(",\"file\":{\"path\":\"/var/log/containers/x.log\"}},\"kubernetes\":{", tail, StringComparison.Ordinal);
        Assert.EndsWith("\"ecs\":{\"version\":\"8.11.0\"}}", tail, StringComparison.Ordinal);

        // Put back behind the prefix it was cut from, it is one complete JSON object.
        using var document = JsonDocument.Parse("{\"log\":{\"offset\":0" + tail);
        Assert.Equal("node-a", document.RootElement.GetProperty("host").GetProperty("name").GetString());
        Assert.Equal("containerd", document.RootElement.GetProperty("container").GetProperty("runtime").GetString());
    }

    [Fact]
    public void Values_are_escaped_once_with_the_writers_rules()
    {
        var context = new DocumentFields("nöde\"1", "/var/log/a\\b/\"q\".log", null, DataStreamName.Default, "1.0.0");
        var tail = Encoding.UTF8.GetString(context.Context.EncodedTail);
        Assert.Contains("\"path\":\"/var/log/a\\\\b/\\\"q\\\".log\"", tail, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"nöde\\\"1\"", tail, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_fills_in_the_default_data_stream_and_this_builds_version()
    {
        var context = DocumentFields.Create("node-a", "/var/log/containers/x.log", Pod);
        Assert.Equal(DataStreamName.Default, context.DataStream);
        Assert.Equal(NodeAgent.Telemetry.AgentVersion.Current, context.AgentVersion);
        Assert.Null(context.ContainerRuntime);
        Assert.Same(Pod, context.Pod);
    }

    [Fact]
    public void Contexts_built_from_the_same_values_are_equal()
    {
        var a = new DocumentFields("node-a", "/p.log", Pod with { }, DataStreamName.Default, "1.0.0", "cri-o");
        var b = new DocumentFields("node-a", "/p.log", Pod with { }, DataStreamName.Default, "1.0.0", "cri-o");
        var c = new DocumentFields("node-b", "/p.log", Pod, DataStreamName.Default, "1.0.0", "cri-o");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.Equal(a.Context, b.Context);
        Assert.True(a.Context.EncodedTail.SequenceEqual(b.Context.EncodedTail));
    }

    [Fact]
    public void Printing_a_context_shows_its_values()
    {
        var text = new DocumentFields("node-a", "/p.log", Pod, DataStreamName.Default, "1.0.0").ToString();
        Assert.Contains("node-a", text, StringComparison.Ordinal);
        Assert.Contains("web-0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_runtime_counts_as_unknown() =>
        Assert.Null(new DocumentFields("n", "/p.log", Pod, DataStreamName.Default, "1", "").ContainerRuntime);

    [Theory]
    [InlineData("", "/p.log", "1.0.0")]
    [InlineData("node", "", "1.0.0")]
    [InlineData("node", "/p.log", "")]
    public void Required_values_cannot_be_empty(string node, string path, string version) =>
        Assert.Throws<ArgumentException>(() => new DocumentFields(node, path, null, DataStreamName.Default, version));

    [Fact]
    public void A_default_data_stream_value_is_refused() =>
        Assert.Throws<ArgumentNullException>(() => new DocumentFields("n", "/p.log", null, default(DataStreamName), "1"));
}
