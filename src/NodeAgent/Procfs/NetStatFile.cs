using System.Buffers.Text;
using System.Text;

namespace NodeAgent.Procfs;

/// <summary>One counter of the SNMP-style files: <c>Protocol</c> as the kernel names it (<c>TcpExt</c>, <c>Ip6</c>),
/// <c>Field</c> the column or row name, and the value as a float, as node_exporter's netstat collector reads it
/// (<c>Tcp MaxConn</c> is <c>-1</c>).</summary>
internal readonly record struct NetStatValue(string Protocol, string Field, double Value);

/// <summary>Parses <c>/proc/net/netstat</c>, <c>/proc/net/snmp</c> (pairs of lines: <c>Proto: names…</c> then
/// <c>Proto: values…</c>) and <c>/proc/net/snmp6</c> (<c>Ip6InReceives   1</c> rows; the protocol is the name up to
/// and including its first '6').</summary>
internal static class NetStatFile
{
    public static IReadOnlyList<NetStatValue> ParseTables(ReadOnlySpan<byte> content, NameTable? names = null)
    {
        names ??= new NameTable();
        var values = new List<NetStatValue>();
        var lines = new List<Range>();
        foreach (var range in content.Split((byte)'\n'))
        {
            if (!content[range].IsEmpty)
            {
                lines.Add(range);
            }
        }

        if (lines.Count % 2 != 0)
        {
            throw new InvalidDataException("the header line of the last protocol has no value line");
        }

        for (var i = 0; i < lines.Count; i += 2)
        {
            var header = content[lines[i]];
            var numbers = content[lines[i + 1]];
            var protocolEnd = header.IndexOf((byte)' ');
            var protocolWithColon = protocolEnd < 0 ? header : header[..protocolEnd];
            if (protocolWithColon.Length < 2 || protocolWithColon[^1] != (byte)':' || !numbers.StartsWith(protocolWithColon))
            {
                throw new InvalidDataException($"line {i + 1} does not start a 'Protocol:' header/value pair");
            }

            var protocol = names.Get(protocolWithColon[..^1]);
            var nameFields = header.Split((byte)' ');
            var numberFields = numbers.Split((byte)' ');
            nameFields.MoveNext();
            numberFields.MoveNext();
            while (true)
            {
                var moreNames = nameFields.MoveNext();
                var moreNumbers = numberFields.MoveNext();
                if (moreNames != moreNumbers)
                {
                    throw new InvalidDataException($"{protocol}: the header and value lines have different field counts");
                }

                if (!moreNames)
                {
                    break;
                }

                var number = numbers[numberFields.Current];
                if (!Utf8Parser.TryParse(number, out double value, out var consumed) || consumed != number.Length)
                {
                    throw new InvalidDataException($"{protocol}: value '{Encoding.ASCII.GetString(number)}' is not a number");
                }

                values.Add(new NetStatValue(protocol, names.Get(header[nameFields.Current]), value));
            }
        }

        return values;
    }

    public static IReadOnlyList<NetStatValue> ParseSnmp6(ReadOnlySpan<byte> content, NameTable? names = null)
    {
        names ??= new NameTable();
        var values = new List<NetStatValue>();
        foreach (var range in content.Split((byte)'\n'))
        {
            var line = content[range];
            var nameEnd = line.IndexOfAny((byte)' ', (byte)'\t');
            if (nameEnd <= 0)
            {
                continue;
            }

            var name = line[..nameEnd];
            var number = line[nameEnd..].Trim(" \t"u8);
            var six = name.IndexOf((byte)'6');
            if (number.IsEmpty || six < 0)
            {
                continue;
            }

            if (!Utf8Parser.TryParse(number, out double value, out var consumed) || consumed != number.Length)
            {
                throw new InvalidDataException($"{Encoding.ASCII.GetString(name)}: value '{Encoding.ASCII.GetString(number)}' is not a number");
            }

            values.Add(new NetStatValue(names.Get(name[..(six + 1)]), names.Get(name[(six + 1)..]), value));
        }

        return values;
    }
}
