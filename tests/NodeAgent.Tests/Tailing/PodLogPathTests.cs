using NodeAgent.Kubernetes;
using NodeAgent.Tests.TestSupport;

namespace NodeAgent.Tests.Tailing;

public sealed class PodLogPathTests
{
    private const string Id = "5f1b0f7d8d2c4a8e9b3c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a";
    private const string Uid = "3b0e2f4a-9c1d-4e5f-8a7b-6c5d4e3f2a1b";

    [Fact]
    public void A_pod_directory_file_gives_namespace_pod_uid_container_and_restart_count()
    {
        Assert.True(PodLogPath.TryParse($"/var/log/pods/kube-system_coredns-76f75df574-xk2pq_{Uid}/coredns/3.log", out var info));
        Assert.Equal(new PodLogInfo("kube-system", "coredns-76f75df574-xk2pq", Uid, "coredns", null, 3), info);
    }

    [Theory]
    [InlineData("0.log.20261128-101500", 0)]
    [InlineData("12.log.20240229-235959", 12)]
    public void A_file_renamed_by_kubelet_rotation_keeps_its_metadata(string file, int restart)
    {
        Assert.True(PodLogPath.TryParse($"/var/log/pods/default_web-0_{Uid}/nginx/{file}", out var info));
        Assert.Equal(new PodLogInfo("default", "web-0", Uid, "nginx", null, restart), info);
    }

    [Theory]
    [InlineData("0.log.20261128-101500.gz")]
    [InlineData("0.log.20261128-101500.tmp")]
    [InlineData("0.log.20261128-1015")]
    [InlineData("0.log.2026112a-101500")]
    [InlineData("0.log.old")]
    [InlineData("0.txt")]
    [InlineData("x.log")]
    [InlineData("-1.log")]
    [InlineData("+1.log")]
    [InlineData(".log")]
    [InlineData("99999999999.log")]
    public void Names_kubelet_does_not_tail_under_are_refused(string file) =>
        Assert.False(PodLogPath.TryParse($"/var/log/pods/default_web-0_{Uid}/nginx/{file}", out _));

    [Fact]
    public void Any_directory_may_hold_the_pod_directories()
    {
        using var temp = new TempDirectory();
        var path = temp.Write($"pods/monitoring_node-exporter-7hx2k_{Uid}/node-exporter/0.log", "");
        Assert.True(PodLogPath.TryParse(path, out var info));
        Assert.Equal(new PodLogInfo("monitoring", "node-exporter-7hx2k", Uid, "node-exporter", null, 0), info);

        Assert.True(PodLogPath.TryParse($"/host/var/log/pods/a_b_c/d/1.log", out var hosted));
        Assert.Equal(new PodLogInfo("a", "b", "c", "d", null, 1), hosted);
        Assert.True(PodLogPath.TryParse($"a_b_c/d/1.log", out var relative));
        Assert.Equal("c", relative.PodUid);
    }

    [Fact]
    public void A_static_pod_has_a_hash_for_uid_and_a_dotted_name()
    {
        // Static (mirror) pods get the manifest hash as uid and "<name>-<node name>" as name; node names may hold dots.
        Assert.True(PodLogPath.TryParse("/var/log/pods/kube-system_etcd-cp-1.eu-west-1.compute.internal_2ac5e5e5c4b4a8e7d6f4a3b2c1d0e9f8/etcd/0.log", out var info));
        Assert.Equal(new PodLogInfo("kube-system", "etcd-cp-1.eu-west-1.compute.internal", "2ac5e5e5c4b4a8e7d6f4a3b2c1d0e9f8", "etcd", null, 0), info);
    }

    [Theory]
    [InlineData("/var/log/pods/default_web-0/nginx/0.log")]
    [InlineData("/var/log/pods/default__x/nginx/0.log")]
    [InlineData("/var/log/pods/_web-0_x/nginx/0.log")]
    [InlineData("/var/log/pods/default_web-0_/nginx/0.log")]
    [InlineData("/var/log/pods/a_b_c_d/nginx/0.log")]
    [InlineData("/var/log/pods/default_web-0_x/ngi_nx/0.log")]
    [InlineData("/var/log/pods/default_web-0_x//0.log")]
    [InlineData("nginx/0.log")]
    [InlineData("/nginx/0.log")]
    [InlineData("0.log")]
    [InlineData("")]
    public void Malformed_pod_paths_are_refused(string path) => Assert.False(PodLogPath.TryParse(path, out _));

    [Fact]
    public void A_containers_link_gives_pod_namespace_container_and_id()
    {
        Assert.True(PodLogPath.TryParse($"/var/log/containers/coredns-76f75df574-xk2pq_kube-system_coredns-{Id}.log", out var info));
        Assert.Equal(new PodLogInfo("kube-system", "coredns-76f75df574-xk2pq", null, "coredns", Id, null), info);
    }

    [Theory]
    // Container names hold '-' like the id separator: the id is the last 64 characters.
    [InlineData("web-7d4b9c-abcde", "shop", "istio-proxy")]
    [InlineData("a", "b", "c")]
    // Pod names are subdomains: dots and dashes, up to 253 characters.
    [InlineData("api.v2-1", "team-a", "sidecar-log-shipper-2")]
    [InlineData("x-1-2-3", "ns-with-dashes", "c-0")]
    public void Tricky_link_names_split_where_kubelet_joined_them(string pod, string ns, string container)
    {
        Assert.True(PodLogPath.TryParse($"/var/log/containers/{pod}_{ns}_{container}-{Id}.log", out var info));
        Assert.Equal(new PodLogInfo(ns, pod, null, container, Id, null), info);
    }

    [Fact]
    public void The_longest_name_kubelet_writes_in_full_still_parses()
    {
        // 255 bytes exactly: pod_ns_container-id.log fits, nothing was cut.
        var pod = new string('p', 255 - "_ns_c-".Length - Id.Length - ".log".Length);
        var name = $"{pod}_ns_c-{Id}.log";
        Assert.Equal(255, name.Length);
        Assert.True(PodLogPath.TryParse("/var/log/containers/" + name, out var info));
        Assert.Equal(Id, info.ContainerId);
    }

    [Theory]
    [InlineData("web_default_nginx-5f1b0f7d.log")]
    [InlineData("web_default_nginx.log")]
    [InlineData("web_default_-" + Id + ".log")]
    [InlineData("web__nginx-" + Id + ".log")]
    [InlineData("_default_nginx-" + Id + ".log")]
    [InlineData("web_default_nginx_x-" + Id + ".log")]
    [InlineData("web_default_nginx-" + Id + ".log.gz")]
    [InlineData("web_default_nginx-" + Id + ".txt")]
    [InlineData("web_default_nginx-5f1b0f7d8d2c4a8e9b3c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7g.log")]
    [InlineData("web_default_nginx_5f1b0f7d8d2c4a8e9b3c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a.log")]
    public void Malformed_link_names_are_refused(string name) => Assert.False(PodLogPath.TryParse("/var/log/containers/" + name, out _));

    [Theory]
    [InlineData(200)] // the cut falls inside the id
    [InlineData(253)] // the longest pod name: the cut falls inside the pod name itself
    public void A_link_name_kubelet_cut_to_255_bytes_has_lost_its_id(int podLength)
    {
        // kubelet truncates "<pod>_<ns>_<container>-<id>" to 251 bytes, then appends ".log" (legacy.go logSymlink).
        var pod = new string('a', 120) + "." + new string('b', podLength - 121);
        var full = $"{pod}_production_app-{Id}";
        var cut = full[..251] + ".log";
        Assert.False(PodLogPath.TryParse("/var/log/containers/" + cut, out _));

        Assert.True(PodLogPath.TryParseSymlink("/var/log/containers/" + cut, $"/var/log/pods/production_{pod}_{Uid}/app/0.log", out var info));
        Assert.Equal(new PodLogInfo("production", pod, Uid, "app", null, 0), info);
    }

    [Fact]
    public void A_link_and_its_target_merge_into_everything_the_paths_know()
    {
        var link = $"/var/log/containers/web-0_shop_nginx-{Id}.log";
        var target = $"/var/log/pods/shop_web-0_{Uid}/nginx/2.log";
        Assert.True(PodLogPath.TryParseSymlink(link, target, out var info));
        Assert.Equal(new PodLogInfo("shop", "web-0", Uid, "nginx", Id, 2), info);
    }

    [Fact]
    public void A_link_to_another_containers_file_does_not_lend_its_id()
    {
        var link = $"/var/log/containers/web-0_shop_nginx-{Id}.log";
        var target = $"/var/log/pods/shop_web-0_{Uid}/sidecar/0.log";
        Assert.True(PodLogPath.TryParseSymlink(link, target, out var info));
        Assert.Equal(new PodLogInfo("shop", "web-0", Uid, "sidecar", null, 0), info);
    }

    [Fact]
    public void Either_half_alone_is_enough()
    {
        var link = $"/var/log/containers/web-0_shop_nginx-{Id}.log";
        Assert.True(PodLogPath.TryParseSymlink(link, "/data/somewhere/else.log", out var fromLink));
        Assert.Equal(new PodLogInfo("shop", "web-0", null, "nginx", Id, null), fromLink);

        // Not a link at all (the caller passes the path itself as its target).
        var file = $"/var/log/pods/shop_web-0_{Uid}/nginx/0.log";
        Assert.True(PodLogPath.TryParseSymlink(file, file, out var fromFile));
        Assert.Equal(new PodLogInfo("shop", "web-0", Uid, "nginx", null, 0), fromFile);

        Assert.False(PodLogPath.TryParseSymlink("/var/log/app.log", "/var/log/app.log", out _));
    }

    [Fact]
    public void A_real_symlink_resolved_through_the_filesystem_merges()
    {
        using var temp = new TempDirectory();
        var target = temp.Write($"pods/kube-system_kube-proxy-9zq4w_{Uid}/kube-proxy/1.log", "");
        var link = Path.Combine(temp.Path, "containers", $"kube-proxy-9zq4w_kube-system_kube-proxy-{Id}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, target);

        var resolved = new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)!.FullName;
        Assert.True(PodLogPath.TryParseSymlink(link, resolved, out var info));
        Assert.Equal(new PodLogInfo("kube-system", "kube-proxy-9zq4w", Uid, "kube-proxy", Id, 1), info);
    }
}
