using NodeAgent.Metrics.Collectors;
using NodeAgent.Metrics;
using NodeAgent.Telemetry;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Metrics.Collectors;

public sealed class TextfileCollectorTests
{
    private static (CollectResult Result, string Text) Collect(string? directory) =>
        CollectorHarness.Collect(new TextfileCollector(CollectorHarness.Context(), new TextfileOptions(directory is null ? [] : [directory])));

    // Whole seconds, as node_exporter's UnixNano()/1e9 integer division gives them.
    private static string Mtime(string path) =>
        GoFloat.Format((File.GetLastWriteTimeUtc(path).Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond);

    [Fact]
    public void Good_files_are_merged_sorted_and_typed_as_node_exporter_serves_them()
    {
        var directory = Repository.Fixture("textfile", "good");
        var app = Path.Join(directory, "app.prom");
        var backup = Path.Join(directory, "backup.prom");

        var (result, text) = Collect(directory);

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(
            $$"""
            # HELP app_latency_seconds Metric read from {{app}}
            # TYPE app_latency_seconds histogram
            app_latency_seconds_bucket{le="0.1"} 5
            app_latency_seconds_bucket{le="1"} 9
            app_latency_seconds_bucket{le="+Inf"} 10
            app_latency_seconds_sum 4.25
            app_latency_seconds_count 10
            # HELP app_requests_total Requests served, by method and code.
            # TYPE app_requests_total counter
            app_requests_total{code="200",method="get"} 1027
            app_requests_total{code="200",method="post"} 12
            app_requests_total{code="500",method="post"} 3
            # HELP app_rpc_seconds RPC durations.
            # TYPE app_rpc_seconds summary
            app_rpc_seconds{service="a",quantile="0.5"} 0.05
            app_rpc_seconds{service="a",quantile="0.99"} 0.2
            app_rpc_seconds_sum{service="a"} 17.5
            app_rpc_seconds_count{service="a"} 300
            # HELP app_temperature_celsius Temperature with an "escaped" \\ help\nline.
            # TYPE app_temperature_celsius gauge
            app_temperature_celsius{path="",sensor="outlet"} -Inf
            app_temperature_celsius{path="C:\\temp \"quoted\"\nnext",sensor="inlet"} 21.5
            # HELP app_untyped_value Metric read from {{app}}, {{backup}}
            # TYPE app_untyped_value untyped
            app_untyped_value 1e+06
            app_untyped_value{instance="b"} 2
            # HELP backup_last_success_timestamp_seconds Metric read from {{backup}}
            # TYPE backup_last_success_timestamp_seconds gauge
            backup_last_success_timestamp_seconds{host="",job="nightly"} 1.7e+09
            backup_last_success_timestamp_seconds{host="db1",job="weekly"} 1.69e+09
            # HELP node_textfile_mtime_seconds Unixtime mtime of textfiles successfully read.
            # TYPE node_textfile_mtime_seconds gauge
            node_textfile_mtime_seconds{file="{{app}}"} {{Mtime(app)}}
            node_textfile_mtime_seconds{file="{{backup}}"} {{Mtime(backup)}}
            # HELP node_textfile_scrape_error 1 if there was an error opening or reading a file, 0 otherwise
            # TYPE node_textfile_scrape_error gauge
            node_textfile_scrape_error 0

            """,
            text);
    }

    [Fact]
    public void No_directory_gives_only_a_zero_scrape_error()
    {
        var (result, text) = Collect(null);

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(["node_textfile_scrape_error 0"], CollectorHarness.Samples(text));
    }

    [Fact]
    public void A_missing_directory_is_a_scrape_error_not_a_collector_failure()
    {
        var (result, text) = Collect(Repository.Fixture("textfile", "missing"));

        Assert.Equal(CollectResult.Success, result);
        Assert.Equal(["node_textfile_scrape_error 1"], CollectorHarness.Samples(text));
    }

    [Fact]
    public void A_file_that_does_not_parse_is_skipped_whole_and_flagged()
    {
        var directory = Repository.Fixture("textfile", "broken");
        var ok = Path.Join(directory, "ok.prom");

        var samples = CollectorHarness.Samples(Collect(directory).Text);

        Assert.Equal([$"node_textfile_mtime_seconds{{file=\"{ok}\"}} {Mtime(ok)}", "node_textfile_scrape_error 1", "ok_metric 1"], samples);
    }

    [Fact]
    public void Client_side_timestamps_reject_the_file()
    {
        Assert.Equal(["node_textfile_scrape_error 1"], CollectorHarness.Samples(Collect(Repository.Fixture("textfile", "timestamps")).Text));
    }

    [Fact]
    public void A_contradicting_help_drops_the_later_family_and_flags_it()
    {
        var directory = Repository.Fixture("textfile", "conflict");

        var (_, text) = Collect(directory);
        var samples = CollectorHarness.Samples(text);

        Assert.Contains("# HELP shared_metric First help wins.", text, StringComparison.Ordinal);
        Assert.Contains("shared_metric{file=\"a\"} 1", samples);
        Assert.DoesNotContain("shared_metric{file=\"b\"} 2", samples);
        Assert.Contains("node_textfile_scrape_error 1", samples);
        Assert.Equal(2, samples.Count(l => l.StartsWith("node_textfile_mtime_seconds", StringComparison.Ordinal)));
    }

    [Fact]
    public void Duplicate_series_and_type_clashes_across_files_are_dropped_as_the_registry_does()
    {
        using var tree = new TempDirectory();
        tree.Write("a.prom", "# TYPE x gauge\nx{k=\"1\"} 1\ny 5\n");
        tree.Write("b.prom", "# TYPE x gauge\nx{k=\"1\"} 2\nx{k=\"2\"} 3\n# TYPE y counter\ny 6\n");

        var samples = CollectorHarness.Samples(Collect(tree.Path).Text);

        Assert.Equal(["x{k=\"1\"} 1", "x{k=\"2\"} 3"], samples.Where(l => l.StartsWith('x')));
        Assert.Equal(["y 5"], samples.Where(l => l.StartsWith('y')));
        Assert.Contains("node_textfile_scrape_error 0", samples);
    }

    [Fact]
    public void Series_are_ordered_by_label_values_as_go_compares_strings()
    {
        // Go compares UTF-8 bytes: U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80), although its UTF-16 code
        // unit is above the emoji's surrogates.
        using var tree = new TempDirectory();
        tree.Write("a.prom", "# TYPE m gauge\nm{v=\"\U0001F600\"} 1\nm{v=\"\uE000\"} 2\nm{v=\"z\"} 3\n# TYPE s summary\ns_sum{v=\"\U0001F600\"} 1\ns_count{v=\"\U0001F600\"} 1\ns_sum{v=\"\uE000\"} 2\ns_count{v=\"\uE000\"} 2\n");

        var samples = CollectorHarness.Samples(Collect(tree.Path).Text);

        Assert.Equal(["m{v=\"z\"} 3", "m{v=\"\uE000\"} 2", "m{v=\"\U0001F600\"} 1"], samples.Where(l => l.StartsWith("m{", StringComparison.Ordinal)));
        Assert.Equal(["s_sum{v=\"\uE000\"} 2", "s_count{v=\"\uE000\"} 2", "s_sum{v=\"\U0001F600\"} 1", "s_count{v=\"\U0001F600\"} 1"],
            samples.Where(l => l.StartsWith("s_", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_summary_or_histogram_without_samples_is_left_out_as_every_family_without_samples()
    {
        using var tree = new TempDirectory();
        tree.Write("a.prom", "# HELP empty_summary Nothing yet.\n# TYPE empty_summary summary\n# HELP empty_gauge Nothing yet.\n# TYPE empty_gauge gauge\n");

        var text = Collect(tree.Path).Text;

        Assert.DoesNotContain("empty_gauge", text, StringComparison.Ordinal);
        Assert.DoesNotContain("empty_summary", text, StringComparison.Ordinal);
        Assert.Contains("node_textfile_scrape_error 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_directory_may_be_a_glob()
    {
        var samples = CollectorHarness.Samples(Collect(Path.Join(Repository.Fixture("textfile"), "[bg]*")).Text);

        Assert.Contains("ok_metric 1", samples);
        Assert.Contains("app_untyped_value 1e+06", samples);
        Assert.Contains("node_textfile_scrape_error 1", samples);
    }

    [Fact]
    public void Every_directory_given_is_read_as_node_exporter_reads_its_repeated_flag()
    {
        using var second = new TempDirectory();
        var extra = second.Write("extra.prom", "extra_metric 7\n");
        var good = Repository.Fixture("textfile", "good");

        var samples = CollectorHarness.Samples(CollectorHarness.Collect(new TextfileCollector(CollectorHarness.Context(), new TextfileOptions([good, second.Path]))).Text);
        Assert.Contains("app_untyped_value 1e+06", samples);
        Assert.Contains("extra_metric 7", samples);
        Assert.Contains($"node_textfile_mtime_seconds{{file=\"{extra}\"}} {Mtime(extra)}", samples);
        Assert.Contains("node_textfile_scrape_error 0", samples);

        // A directory that is missing is an error, as in node_exporter; the others are read all the same.
        var withMissing = CollectorHarness.Samples(CollectorHarness.Collect(
            new TextfileCollector(CollectorHarness.Context(), new TextfileOptions([good, "/nonexistent/textfile", second.Path]))).Text);
        Assert.Contains("extra_metric 7", withMissing);
        Assert.Contains("node_textfile_scrape_error 1", withMissing);
    }

    [Fact]
    public void OpenMetrics_output_keeps_summaries_and_histograms_and_escapes_help_quotes()
    {
        var collector = new TextfileCollector(CollectorHarness.Context(), new TextfileOptions([Repository.Fixture("textfile", "good")]));
        var text = CollectorHarness.Collect(collector, ExpositionFormat.OpenMetrics).Text;

        Assert.Contains("# TYPE app_latency_seconds histogram\napp_latency_seconds_bucket{le=\"0.1\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE app_requests counter\napp_requests_total{code=\"200\",method=\"get\"} 1027\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE app_untyped_value unknown\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP app_temperature_celsius Temperature with an \\\"escaped\\\" \\\\ help\\nline.\n", text, StringComparison.Ordinal);
    }
}
