using NodeAgent.Kubernetes;

namespace NodeAgent.Tests.Kubernetes;

/// <summary>Issue 11, point 8: what a tenant puts in its pod's metadata cannot make every document of the pod huge.</summary>
public sealed class MetadataLimitsTests
{
    [Fact]
    public void Annotations_go_into_documents_only_by_key_and_the_opt_outs_still_work()
    {
        var fixture = KubernetesFixtures.DeploymentPod(json =>
        {
            json["metadata"]!["annotations"]!["tenant.example/blob"] = new string('x', 250_000);
            json["metadata"]!["annotations"]!["node-agent.io/exclude"] = "true";
        });

        var none = PodMetadata.From(fixture, MetadataLimits.Default);
        var some = PodMetadata.From(fixture, MetadataLimits.Default with { Annotations = ["prometheus.io/*"] });

        Assert.Empty(none.Annotations);
        Assert.True(none.Excluded);
        Assert.Equal(["prometheus_io_scrape"], some.Annotations.Select(p => p.Key));
        Assert.Equal(0, some.DroppedPairs);
    }

    [Fact]
    public void Labels_and_annotations_together_stay_under_the_cap_and_what_is_left_out_is_counted()
    {
        var fixture = KubernetesFixtures.DeploymentPod(json =>
        {
            json["metadata"]!["annotations"]!["tenant.example/blob"] = new string('x', 250_000);
            json["metadata"]!["labels"]!["zz-last"] = "small";
        });

        var pod = PodMetadata.From(fixture, new MetadataLimits(["*"], 16 * 1024));

        Assert.DoesNotContain(pod.Annotations, p => p.Key == "tenant_example_blob");
        Assert.Contains(pod.Annotations, p => p.Key == "prometheus_io_scrape");
        Assert.Contains(pod.Labels, p => p.Key == "zz-last");
        Assert.Equal(1, pod.DroppedPairs);
        Assert.True(pod.Labels.Concat(pod.Annotations).Sum(p => p.Key.Length + p.Value.Length) <= 16 * 1024);
    }
}
