using System.Net;
using NodeAgent.KubernetesApiEmulation;
using static NodeAgent.Tests.Emulators.KubernetesApi.KubeHttp;

namespace NodeAgent.Tests.Emulators.KubernetesApi;

public sealed class ListTests
{
    [Fact]
    public async Task A_pod_list_has_the_real_shape_and_the_node_selector_keeps_only_that_nodes_pods()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Label("app", "web").Owner("ReplicaSet", "web-5d9")
            .Container("web", "nginx:1.27", "containerd://abc").PodIp("10.1.0.5").Build());
        api.UpsertPod(FakePod.Create("shop", "db-0", "node-b").Build());
        api.UpsertPod(FakePod.Create("kube-system", "proxy", "node-a").Build());
        using var http = Client(api.BaseUrl);

        var list = await ListAsync(http, $"api/v1/pods?fieldSelector={NodeA}&limit=500");

        Assert.Equal("PodList", (string?)list["kind"]);
        Assert.Equal("v1", (string?)list["apiVersion"]);
        Assert.Equal(api.CurrentResourceVersion, Rv(list));
        Assert.Null(list["metadata"]!["continue"]);
        // Key order (namespace/name), and items carry no kind/apiVersion of their own, as from the real server.
        Assert.Equal(["kube-system/proxy", "shop/web-1"], list["items"]!.AsArray().Select(i => $"{i!["metadata"]!["namespace"]}/{Name(i)}"));
        var web = list["items"]![1]!;
        Assert.Null(web["kind"]);
        Assert.Null(web["apiVersion"]);
        Assert.Equal("node-a", (string?)web["spec"]!["nodeName"]);
        Assert.Equal("containerd://abc", (string?)web["status"]!["containerStatuses"]![0]!["containerID"]);
        Assert.Equal("apps/v1", (string?)web["metadata"]!["ownerReferences"]![0]!["apiVersion"]);
        Assert.Equal("10.1.0.5", (string?)web["status"]!["podIPs"]![0]!["ip"]);
        Assert.Matches("^[0-9]+$", Rv(web));
    }

    [Fact]
    public async Task Limit_and_continue_page_through_one_snapshot_even_while_pods_change()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        foreach (var name in new[] { "p1", "p2", "p3", "p4", "p5" })
        {
            api.UpsertPod(FakePod.Create("default", name, "node-a").Build());
        }

        using var http = Client(api.BaseUrl);
        var first = await ListAsync(http, "api/v1/pods?limit=2");
        Assert.Equal(["p1", "p2"], Names(first));
        Assert.Equal(3, (int)first["metadata"]!["remainingItemCount"]!);

        // Changes after the first page are not seen by the later pages: they read the first page's revision.
        api.DeletePod("default", "p4");
        api.UpsertPod(FakePod.Create("default", "p6", "node-a").Build());

        var second = await ListAsync(http, "api/v1/pods?limit=2&continue=" + Uri.EscapeDataString((string)first["metadata"]!["continue"]!));
        var third = await ListAsync(http, "api/v1/pods?limit=2&continue=" + Uri.EscapeDataString((string)second["metadata"]!["continue"]!));

        Assert.Equal(["p3", "p4"], Names(second));
        Assert.Equal(["p5"], Names(third));
        Assert.Equal(Rv(first), Rv(second));
        Assert.Equal(Rv(first), Rv(third));
        Assert.Null(third["metadata"]!["continue"]);
        Assert.NotEqual(Rv(first), api.CurrentResourceVersion);
    }

    [Fact]
    public async Task A_continue_token_from_before_a_compaction_answers_410_Expired()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.UpsertPod(FakePod.Create("default", "p1", "node-a").Build());
        api.UpsertPod(FakePod.Create("default", "p2", "node-a").Build());
        using var http = Client(api.BaseUrl);
        var first = await ListAsync(http, "api/v1/pods?limit=1");
        api.UpsertPod(FakePod.Create("default", "p3", "node-a").Build());
        api.Compact();

        var (status, body, _) = await GetAsync(http, "api/v1/pods?limit=1&continue=" + Uri.EscapeDataString((string)first["metadata"]!["continue"]!));

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("Expired", (string?)body["reason"]);
        Assert.Equal(410, (int)body["code"]!);
    }

    [Fact]
    public async Task An_unsupported_field_selector_is_a_400_Status_like_the_servers()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var http = Client(api.BaseUrl);

        var (status, body, _) = await GetAsync(http, "api/v1/pods?fieldSelector=status.hostIP%3D10.0.0.1");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Failure", (string?)body["status"]);
        Assert.Equal("BadRequest", (string?)body["reason"]);
        Assert.EndsWith("field label not supported: status.hostIP", (string?)body["message"]);
    }

    [Fact]
    public async Task Namespaces_list_with_their_server_added_label_and_selectors_combine()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.UpsertNamespace("shop", new Dictionary<string, string> { ["team"] = "a" });
        api.UpsertNamespace("kube-system");
        api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        api.UpsertPod(FakePod.Create("shop", "web-2", "node-b").Build());
        using var http = Client(api.BaseUrl);

        var namespaces = await ListAsync(http, "api/v1/namespaces");
        var notNodeA = await ListAsync(http, "api/v1/namespaces/shop/pods?fieldSelector=spec.nodeName!%3Dnode-a");
        var byName = await ListAsync(http, "api/v1/pods?fieldSelector=metadata.namespace%3Dshop,metadata.name%3Dweb-1");

        Assert.Equal("NamespaceList", (string?)namespaces["kind"]);
        Assert.Equal(["kube-system", "shop"], Names(namespaces));
        Assert.Equal("shop", (string?)namespaces["items"]![1]!["metadata"]!["labels"]!["kubernetes.io/metadata.name"]);
        Assert.Equal("a", (string?)namespaces["items"]![1]!["metadata"]!["labels"]!["team"]);
        Assert.Equal(["web-2"], Names(notNodeA));
        Assert.Equal(["web-1"], Names(byName));
    }

    [Fact]
    public async Task Get_of_one_pod_carries_kind_and_an_unknown_one_is_a_NotFound_Status()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var rv = api.UpsertPod(FakePod.Create("shop", "web-1", "node-a").Build());
        using var http = Client(api.BaseUrl);

        var (found, pod, _) = await GetAsync(http, "api/v1/namespaces/shop/pods/web-1");
        var (missing, status, _) = await GetAsync(http, "api/v1/namespaces/shop/pods/nope");
        var (unknown, _, _) = await GetAsync(http, "apis/apps/v1/deployments");

        Assert.Equal(HttpStatusCode.OK, found);
        Assert.Equal("Pod", (string?)pod["kind"]);
        Assert.Equal(rv, Rv(pod));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("pods \"nope\" not found", (string?)status["message"]);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }
}
