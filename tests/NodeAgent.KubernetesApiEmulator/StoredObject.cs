using System.Text.Json;
using System.Text.Json.Nodes;

namespace NodeAgent.KubernetesApiEmulation;

/// <summary>One version of one object, frozen: serialized once at write time, so concurrent readers never share a
/// mutable <see cref="JsonObject"/>. <see cref="Json"/> is the object as a watch event or a GET carries it;
/// <see cref="ItemJson"/> the same without kind and apiVersion, as the items of a typed list are encoded (the
/// server sets them only on the list itself).</summary>
internal sealed class StoredObject
{
    private StoredObject(ResourceType resource, string key, long resourceVersion, byte[] json, byte[] itemJson, IReadOnlyDictionary<string, string> fields)
    {
        Resource = resource;
        Key = key;
        ResourceVersion = resourceVersion;
        Json = json;
        ItemJson = itemJson;
        Fields = fields;
    }

    public ResourceType Resource { get; }

    /// <summary>namespace/name for namespaced resources, name otherwise: etcd's key order, which is list order.</summary>
    public string Key { get; }

    public long ResourceVersion { get; }

    public byte[] Json { get; }

    public byte[] ItemJson { get; }

    public IReadOnlyDictionary<string, string> Fields { get; }

    public string Name => Fields["metadata.name"];

    /// <summary>Freezes <paramref name="item"/> (which the caller hands over) with kind and apiVersion first, as the
    /// server orders them.</summary>
    public static StoredObject Freeze(ResourceType resource, JsonObject item, long resourceVersion)
    {
        var ordered = new JsonObject { ["kind"] = resource.Kind, ["apiVersion"] = "v1" };
        var withoutType = new JsonObject();
        foreach (var (name, value) in item.ToArray())
        {
            if (name is "kind" or "apiVersion")
            {
                continue;
            }

            ordered[name] = value?.DeepClone();
            withoutType[name] = value?.DeepClone();
        }

        var fields = resource.FieldsOf(ordered);
        var key = resource.Namespaced ? fields["metadata.namespace"] + "/" + fields["metadata.name"] : fields["metadata.name"];
        return new StoredObject(resource, key, resourceVersion, Serialize(ordered), Serialize(withoutType), fields);
    }

    /// <summary>A fresh, mutable copy.</summary>
    public JsonObject ToJsonObject() => JsonNode.Parse(Json)!.AsObject();

    public static byte[] Serialize(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Wire.WriterOptions))
        {
            node.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
