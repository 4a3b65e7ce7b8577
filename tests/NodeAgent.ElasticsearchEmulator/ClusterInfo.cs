using Microsoft.AspNetCore.Http;

namespace NodeAgent.ElasticsearchEmulation;

/// <summary><c>GET /</c>: what clients read to check they talk to Elasticsearch, and which major version.</summary>
internal static class ClusterInfo
{
    public const string ClusterName = "nodeagent-emulator";

    // Fixed, so a test can pin it; the shape of a real cluster UUID (22 url-safe base64 characters).
    public const string ClusterUuid = "bm9kZWFnZW50LWVtdWxhdG";

    public static Task WriteAsync(HttpContext context) =>
        JsonResponse.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", "emulator-node-0");
            w.WriteString("cluster_name", ClusterName);
            w.WriteString("cluster_uuid", ClusterUuid);
            w.WriteStartObject("version");
            w.WriteString("number", ElasticsearchEmulator.Version);
            w.WriteString("build_flavor", "default");
            w.WriteString("build_type", "docker");
            w.WriteString("build_hash", "emulator");
            w.WriteString("build_date", "2024-08-05T10:05:34.233336849Z");
            w.WriteBoolean("build_snapshot", false);
            w.WriteString("lucene_version", "9.11.1");
            w.WriteString("minimum_wire_compatibility_version", "7.17.0");
            w.WriteString("minimum_index_compatibility_version", "7.0.0");
            w.WriteEndObject();
            w.WriteString("tagline", "You Know, for Search");
            w.WriteEndObject();
        });
}
