using NodeAgent.Kubernetes;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Kubernetes;

public sealed class PodMetadataTests
{
    [Fact]
    public void Labels_and_annotations_are_de_dotted_sorted_and_without_the_last_applied_manifest()
    {
        var pod = PodMetadata.From(KubernetesFixtures.DeploymentPod());

        Assert.Equal(
            ["app=web", "app_kubernetes_io_name=web", "app_kubernetes_io_part-of=shop", "pod-template-hash=5d8f7b9c4"],
            pod.Labels.Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(
            ["kubectl_kubernetes_io_restartedAt", "node-agent_io_parse", "prometheus_io_scrape"],
            pod.Annotations.Select(p => p.Key));
        Assert.Equal(("shop", "web-5d8f7b9c4-x2x7q", KubernetesFixtures.Uid, "node-a", "10.244.1.23"), (pod.Namespace, pod.Name, pod.Uid, pod.NodeName, pod.PodIp));
    }

    [Fact]
    public void A_deployment_is_named_from_its_replica_set_without_fetching_it()
    {
        var pod = PodMetadata.From(KubernetesFixtures.DeploymentPod());

        Assert.Equal([(WorkloadKind.Deployment, "web"), (WorkloadKind.ReplicaSet, "web-5d8f7b9c4")], pod.Owners);
    }

    [Fact]
    public void A_replica_set_made_by_hand_is_not_taken_for_a_deployment()
    {
        var pod = PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetOwner(json, "ReplicaSet", "handmade")));

        Assert.Equal([(WorkloadKind.ReplicaSet, "handmade")], pod.Owners);
    }

    [Theory]
    [InlineData("StatefulSet", "db")]
    [InlineData("DaemonSet", "node-agent")]
    [InlineData("Job", "backup-29012345")]
    public void Other_controllers_name_their_workload(string kind, string name)
    {
        var pod = PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetOwner(json, kind, name)));

        Assert.Equal([(Enum.Parse<WorkloadKind>(kind), name)], pod.Owners);
    }

    [Fact]
    public void A_pod_without_owner_has_no_workload()
    {
        var pod = PodMetadata.From(KubernetesFixtures.DeploymentPod(json => json["metadata"]!.AsObject().Remove("ownerReferences")));

        Assert.Empty(pod.Owners);
    }

    [Fact]
    public void Containers_carry_the_spec_image_and_the_runtime_id_of_their_current_instance()
    {
        var pod = PodMetadata.From(KubernetesFixtures.DeploymentPod());

        Assert.Equal(new ContainerMetadata("nginx", "nginx:1.27.3", "containerd", "5f1b0f7d8d2c4a8e9b3c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a", 2), pod.Containers["nginx"]);
        // The status holds only a digest for this one: the spec's name is what users search for.
        Assert.StartsWith("registry.example.com/shop/log-shipper@sha256:", pod.Containers["sidecar"].Image);
        Assert.Equal("busybox:1.36", pod.Containers["init-config"].Image);
    }

    [Theory]
    [InlineData("containerd://abc", "containerd", "abc")]
    [InlineData("cri-o://def", "cri-o", "def")]
    [InlineData("docker://0123", "docker", "0123")]
    [InlineData("bare", null, "bare")]
    [InlineData("", null, null)]
    [InlineData(null, null, null)]
    public void Container_ids_split_into_runtime_and_id(string? containerId, string? runtime, string? id) =>
        Assert.Equal((runtime, id), PodMetadata.SplitContainerId(containerId));

    [Fact]
    public void Opt_out_annotations_are_read()
    {
        var plain = PodMetadata.From(KubernetesFixtures.DeploymentPod());
        var excluded = PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/exclude", "True")));
        var someContainers = PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/exclude-containers", " sidecar , init-config")));
        var notTrue = PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/exclude", "yes please")));

        Assert.True(plain.Ships("nginx") && plain.Ships("sidecar"));
        Assert.False(excluded.Ships("nginx"));
        Assert.True(someContainers.Ships("nginx"));
        Assert.False(someContainers.Ships("sidecar"));
        Assert.False(someContainers.Ships("init-config"));
        Assert.True(notTrue.Ships("nginx"));
    }

    [Fact]
    public void The_parse_annotation_asks_for_json()
    {
        Assert.True(PodMetadata.From(KubernetesFixtures.DeploymentPod()).ParseJson);
        Assert.False(PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/parse", null))).ParseJson);
        Assert.False(PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/parse", "logfmt"))).ParseJson);
    }

    [Fact]
    public void The_multiline_annotation_is_kept_trimmed_and_a_pod_without_it_has_none()
    {
        Assert.Equal("java", PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/multiline", " java "))).Multiline);
        Assert.Null(PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/multiline", null))).Multiline);
        Assert.NotEqual(
            PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/multiline", "none"))),
            PodMetadata.From(KubernetesFixtures.DeploymentPod(json => KubernetesFixtures.SetAnnotation(json, "node-agent.io/multiline", "auto"))));
    }

    [Fact]
    public void Keys_that_de_dot_alike_keep_one_field_so_the_document_has_no_duplicate()
    {
        var pairs = FieldKeys.Dedot(new Dictionary<string, string> { ["a_b"] = "underscore", ["a.b"] = "dot", ["a/b"] = "slash", ["c"] = "c" });

        Assert.Equal(["a_b=dot", "c=c"], pairs.Select(p => $"{p.Key}={p.Value}"));
    }

    [Fact]
    public void Namespace_exclusion_is_a_label()
    {
        Assert.True(NamespaceMetadata.From(KubernetesFixtures.Namespace("noisy", ("node-agent.io/exclude", "true"))).Excluded);
        Assert.False(NamespaceMetadata.From(KubernetesFixtures.Namespace("shop", ("team", "payments"))).Excluded);
        Assert.Equal(["kubernetes_io_metadata_name=shop"], NamespaceMetadata.From(KubernetesFixtures.Namespace("shop", ("kubernetes.io/metadata.name", "shop"))).Labels.Select(p => $"{p.Key}={p.Value}"));
    }
}

public sealed class PodCacheTests
{
    private readonly ManualTime _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_static_pods_files_are_named_with_its_mirrors_config_hash_not_its_uid()
    {
        var cache = new PodCache(_clock);
        cache.UpsertPod(PodMetadata.From(KubernetesFixtures.Pod("kube-system", "etcd-node-a", "api-uid", json =>
            KubernetesFixtures.SetAnnotation(json, "kubernetes.io/config.mirror", "9f8e7d6c5b4a"))));

        Assert.Equal("api-uid", cache.Find("kube-system", "etcd-node-a", "9f8e7d6c5b4a")?.Uid);
        Assert.Null(cache.Find("kube-system", "other", "9f8e7d6c5b4a"));
    }

    [Fact]
    public void A_pod_recreated_under_its_name_is_told_apart_by_uid()
    {
        var cache = new PodCache(_clock);
        cache.UpsertPod(PodMetadata.From(KubernetesFixtures.Pod("db", "pg-0", "old")));
        cache.DeletePod(PodMetadata.From(KubernetesFixtures.Pod("db", "pg-0", "old")));
        cache.UpsertPod(PodMetadata.From(KubernetesFixtures.Pod("db", "pg-0", "new", json => json["metadata"]!["labels"]!["generation"] = "2")));

        Assert.Equal("old", cache.Find("db", "pg-0", "old")!.Uid);
        Assert.Equal("new", cache.Find("db", "pg-0", "new")!.Uid);
        // Without a uid (a /var/log/containers link alone), the live one.
        Assert.Equal("new", cache.Find("db", "pg-0", null)!.Uid);

        _clock.Advance(PodCache.DeletedRetention);
        Assert.Null(cache.Find("db", "pg-0", "old"));
        Assert.NotNull(cache.Find("db", "pg-0", "new"));
    }

    [Fact]
    public void Every_change_moves_the_version_and_synced_needs_both_lists()
    {
        var cache = new PodCache(_clock);
        var changes = 0;
        cache.Changed += () => changes++;

        cache.ReplacePods([]);
        Assert.False(cache.Synced);
        cache.ReplaceNamespaces([]);
        Assert.True(cache.Synced);
        cache.UpsertNamespace(NamespaceMetadata.From(KubernetesFixtures.Namespace("shop")));

        Assert.Equal(3, changes);
        Assert.Equal(3, cache.Version);
    }
}
