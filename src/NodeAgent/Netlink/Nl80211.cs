namespace NodeAgent.Netlink;

/// <summary>
/// Generic netlink (include/uapi/linux/genetlink.h): requests to a family carry a 4-byte header (command, version,
/// reserved) before their attributes; the controller family (GENL_ID_CTRL) resolves a family's name to its id.
/// </summary>
internal static class GenericNetlink
{
    public const ushort Controller = 16; // GENL_ID_CTRL
    public const int HeaderLength = 4; // GENL_HDRLEN
    private const byte GetFamily = 3; // CTRL_CMD_GETFAMILY
    private const ushort FamilyId = 1, FamilyName = 2, FamilyVersion = 3; // CTRL_ATTR_*

    public static byte[] Body(byte command, byte version, params byte[][] attributes) =>
        [command, version, 0, 0, .. attributes.SelectMany(a => a)];

    public static byte[] FamilyRequestBody(string name) =>
        Body(GetFamily, 1, NetlinkFormat.Attribute(FamilyName, [.. System.Text.Encoding.ASCII.GetBytes(name), 0]));

    /// <summary>The family id and version of a CTRL_CMD_NEWFAMILY reply; false without an id.</summary>
    public static bool TryParseFamily(ReadOnlyMemory<byte> payload, out ushort id, out byte version)
    {
        id = 0;
        version = 0;
        if (payload.Length < HeaderLength || !NetlinkFormat.TryReadAttributes(payload[HeaderLength..], out var attributes))
        {
            return false;
        }

        foreach (var attribute in attributes)
        {
            if (attribute.Type == FamilyId)
            {
                id = attribute.UInt16;
            }
            else if (attribute.Type == FamilyVersion)
            {
                version = (byte)attribute.UInt32;
            }
        }

        return id != 0;
    }
}

/// <summary>
/// The nl80211 replies node_exporter's wifi collector reads (include/uapi/linux/nl80211.h; read as mdlayher/wifi reads
/// them): NL80211_CMD_GET_INTERFACE (index, name, address, frequency), NL80211_CMD_GET_SCAN (the BSS that carries a
/// status: the one the interface is in) and NL80211_CMD_GET_STATION (per station the nested NL80211_ATTR_STA_INFO).
/// </summary>
internal static class Nl80211
{
    public const string FamilyName = "nl80211";
    public const byte GetInterface = 5, GetStation = 17, GetScan = 32; // NL80211_CMD_*
    private const ushort AttrIfindex = 3, AttrIfname = 4, AttrMac = 6, AttrStaInfo = 21, AttrWiphyFreq = 38, AttrBss = 47;
    private const ushort BssBssid = 1, BssInformationElements = 6, BssStatus = 9;
    private const ushort StaInactiveTime = 1, StaRxBytes = 2, StaTxBytes = 3, StaSignal = 7, StaTxBitrate = 8, StaRxPackets = 9,
        StaTxPackets = 10, StaTxRetries = 11, StaTxFailed = 12, StaRxBitrate = 14, StaConnectedTime = 16, StaBeaconLoss = 18,
        StaRxBytes64 = 23, StaTxBytes64 = 24;
    private const ushort RateBitrate = 1, RateBitrate32 = 5; // NL80211_RATE_INFO_*, in 100 kbit/s
    private const byte IeSsid = 0;

    /// <summary>The attribute that names the interface in a per-interface dump.</summary>
    public static byte[] InterfaceAttribute(int index) => NetlinkFormat.Attribute(AttrIfindex, (uint)index);

    public static WifiInterface? ParseInterface(ReadOnlyMemory<byte> payload)
    {
        if (!Attributes(payload, out var attributes))
        {
            return null;
        }

        int index = 0;
        string name = "";
        byte[] address = [];
        uint frequency = 0;
        foreach (var attribute in attributes)
        {
            switch (attribute.Type)
            {
                case AttrIfindex: index = (int)attribute.UInt32; break;
                case AttrIfname: name = attribute.Text; break;
                case AttrMac: address = attribute.Data.ToArray(); break;
                case AttrWiphyFreq: frequency = attribute.UInt32; break;
            }
        }

        return new WifiInterface(index, name, address, frequency);
    }

    /// <summary>The BSS with a status among GET_SCAN replies; null when there is none (the interface is in no BSS).
    /// Throws <see cref="InvalidDataException"/> on malformed attributes or information elements.</summary>
    public static WifiBss? ParseBss(IEnumerable<ReadOnlyMemory<byte>> payloads)
    {
        foreach (var payload in payloads)
        {
            if (!Attributes(payload, out var attributes))
            {
                throw new InvalidDataException("nl80211: malformed scan result");
            }

            foreach (var bss in attributes.Where(a => a.Type == AttrBss))
            {
                if (!NetlinkFormat.TryReadAttributes(bss.Data, out var nested))
                {
                    throw new InvalidDataException("nl80211: malformed BSS");
                }

                if (nested.FirstOrDefault(a => a.Type == BssStatus) is not { Data.Length: > 0 } status)
                {
                    continue;
                }

                var ssid = "";
                byte[] bssid = [];
                foreach (var attribute in nested)
                {
                    if (attribute.Type == BssBssid)
                    {
                        bssid = attribute.Data.ToArray();
                    }
                    else if (attribute.Type == BssInformationElements)
                    {
                        ssid = Ssid(attribute.Data.Span) ?? ssid;
                    }
                }

                return new WifiBss(ssid, bssid, KernelStatusMode(status.UInt32));
            }
        }

        return null;
    }

    /// <summary>A GET_STATION reply; null when it carries no station information.</summary>
    public static WifiStation? ParseStation(ReadOnlyMemory<byte> payload)
    {
        if (!Attributes(payload, out var attributes))
        {
            throw new InvalidDataException("nl80211: malformed station");
        }

        var address = attributes.FirstOrDefault(a => a.Type == AttrMac).Data.ToArray();
        if (attributes.FirstOrDefault(a => a.Type == AttrStaInfo) is not { Data.Length: > 0 } info
            || !NetlinkFormat.TryReadAttributes(info.Data, out var values))
        {
            return null;
        }

        NetlinkAttribute? Find(ushort type) => values.FirstOrDefault(a => a.Type == type) is { Data.Length: > 0 } found ? found : null;
        double U32(ushort type) => Find(type)?.UInt32 ?? 0;
        double Bytes(ushort wide, ushort narrow) => Find(wide)?.UInt64 ?? Find(narrow)?.UInt32 ?? 0;
        return new WifiStation(address)
        {
            ConnectedSeconds = U32(StaConnectedTime),
            InactiveSeconds = U32(StaInactiveTime) / 1000.0,
            ReceivedBytes = Bytes(StaRxBytes64, StaRxBytes),
            TransmittedBytes = Bytes(StaTxBytes64, StaTxBytes),
            ReceivedPackets = U32(StaRxPackets),
            TransmittedPackets = U32(StaTxPackets),
            ReceiveBitsPerSecond = Bitrate(Find(StaRxBitrate)),
            TransmitBitsPerSecond = Bitrate(Find(StaTxBitrate)),
            SignalDbm = Find(StaSignal) is { } signal ? (sbyte)signal.Data.Span[0] : 0,
            TransmitRetries = U32(StaTxRetries),
            TransmitFailed = U32(StaTxFailed),
            BeaconLoss = U32(StaBeaconLoss),
        };
    }

    /// <summary>nl80211's BSS status (AUTHENTICATED 0, ASSOCIATED 1, IBSS_JOINED 2) as node_exporter's mode label.
    /// node_exporter 1.12 reads it through mdlayher/wifi, whose enum inserts "not associated" at 2, so it calls an
    /// IBSS member "unknown"; it is "ad-hoc" here, the mode node_exporter means for it.</summary>
    public static string KernelStatusMode(uint status) => status switch
    {
        0 or 1 => "client",
        2 => "ad-hoc",
        _ => "unknown",
    };

    // 802.11 information elements: id (1 byte), length (1 byte), value; the SSID is element 0, decoded as UTF-8.
    private static string? Ssid(ReadOnlySpan<byte> elements)
    {
        string? ssid = null;
        while (!elements.IsEmpty)
        {
            if (elements.Length < 2 || elements.Length - 2 < elements[1])
            {
                throw new InvalidDataException("nl80211: invalid 802.11 information element");
            }

            var value = elements.Slice(2, elements[1]);
            if (elements[0] == IeSsid)
            {
                ssid = System.Text.Encoding.UTF8.GetString(value);
            }

            elements = elements[(2 + elements[1])..];
        }

        return ssid;
    }

    // NL80211_RATE_INFO_BITRATE32 (u32), else BITRATE (u16), both in 100 kbit/s.
    private static double Bitrate(NetlinkAttribute? rate)
    {
        if (rate is not { } nested || !NetlinkFormat.TryReadAttributes(nested.Data, out var attributes))
        {
            return 0;
        }

        var wide = attributes.FirstOrDefault(a => a.Type == RateBitrate32 && a.Data.Length >= 4);
        var narrow = attributes.FirstOrDefault(a => a.Type == RateBitrate && a.Data.Length >= 2);
        return (wide.Data.Length > 0 ? wide.UInt32 : narrow.Data.Length > 0 ? narrow.UInt16 : 0) * 100_000.0;
    }

    private static bool Attributes(ReadOnlyMemory<byte> payload, out List<NetlinkAttribute> attributes)
    {
        attributes = [];
        return payload.Length >= GenericNetlink.HeaderLength && NetlinkFormat.TryReadAttributes(payload[GenericNetlink.HeaderLength..], out attributes);
    }
}
