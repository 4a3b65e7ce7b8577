using NodeAgent.Kubernetes;

namespace NodeAgent.Tests.Kubernetes;

public sealed class KubernetesFieldsTests
{
    private static readonly KubernetesFields Fields = new(PodMetadata.From(KubernetesFixtures.DeploymentPod()), null, false, null);

    [Fact]
    public void The_current_containers_id_goes_only_to_the_file_of_that_instance()
    {
        // The fixture's nginx restarted twice: its current instance writes 2.log.
        var current = Fields.Container(new PodLogInfo("shop", "web", KubernetesFixtures.Uid, "nginx", null, 2))!;
        var previous = Fields.Container(new PodLogInfo("shop", "web", KubernetesFixtures.Uid, "nginx", null, 1))!;

        Assert.Equal("5f1b0f7d8d2c4a8e9b3c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a", current.Id);
        Assert.Null(previous.Id);
        Assert.Equal(("nginx:1.27.3", "containerd"), (previous.Image, previous.Runtime));
    }

    [Fact]
    public void An_unknown_container_or_no_pod_gives_nothing()
    {
        Assert.Null(Fields.Container(new PodLogInfo("shop", "web", null, "ghost", null, 0)));
        Assert.Null(new KubernetesFields(null, null, false, "prod").Container(new PodLogInfo("shop", "web", null, "nginx", null, 0)));
    }
}
