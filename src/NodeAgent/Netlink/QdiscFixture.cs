using System.Text.Json;

namespace NodeAgent.Netlink;

/// <summary>
/// node_exporter's qdisc test fixture (<c>--collector.qdisc.fixtures</c>: <c>&lt;dir&gt;/results.json</c>), a JSON
/// array of ema/qdisc's QdiscInfo (IfaceName, Parent, Handle, Kind, Bytes, Packets, Drops, Requeues, Overlimits, Qlen,
/// Backlog), read as Go's encoding/json reads it (<see cref="GoJson"/>).
/// </summary>
internal static class QdiscFixture
{
    public static List<QdiscStats> Parse(ReadOnlyMemory<byte> json)
    {
        using var document = ParseDocument(json);
        var result = new List<QdiscStats>();
        foreach (var item in GoJson.Array(document))
        {
            result.Add(new QdiscStats(GoJson.String(item, "IfaceName"), 0, (uint)GoJson.UInt64(item, "Parent", uint.MaxValue),
                (uint)GoJson.UInt64(item, "Handle", uint.MaxValue), GoJson.String(item, "Kind"))
            {
                Bytes = GoJson.UInt64(item, "Bytes"),
                Packets = GoJson.UInt64(item, "Packets", uint.MaxValue),
                Drops = GoJson.UInt64(item, "Drops", uint.MaxValue),
                Requeues = GoJson.UInt64(item, "Requeues", uint.MaxValue),
                Overlimits = GoJson.UInt64(item, "Overlimits", uint.MaxValue),
                QueueLength = GoJson.UInt64(item, "Qlen", uint.MaxValue),
                Backlog = GoJson.UInt64(item, "Backlog", uint.MaxValue),
            });
        }

        return result;
    }

    internal static JsonDocument ParseDocument(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
