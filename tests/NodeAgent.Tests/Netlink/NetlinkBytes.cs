using System.Runtime.InteropServices;
using NodeAgent.Netlink;

namespace NodeAgent.Tests.Netlink;

/// <summary>Builds netlink payloads by hand for the parsers' tests, in the host's byte order as the kernel writes them.</summary>
internal static class NetlinkBytes
{
    public static byte[] U32(uint value) => MemoryMarshal.AsBytes([value]).ToArray();

    public static byte[] U16(ushort value) => MemoryMarshal.AsBytes([value]).ToArray();

    public static byte[] U64(ulong value) => MemoryMarshal.AsBytes([value]).ToArray();

    public static byte[] Text(string value) => [.. System.Text.Encoding.UTF8.GetBytes(value), 0];

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Attribute(ushort type, params byte[][] value) => NetlinkFormat.Attribute(type, Concat(value));

    /// <summary>A nested attribute, with NLA_F_NESTED set as newer kernels set it.</summary>
    public static byte[] Nested(ushort type, params byte[][] attributes) => NetlinkFormat.Attribute((ushort)(type | 0x8000), Concat(attributes));
}
