using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeAgent.Hosting.Web;

/// <summary>
/// exporter-toolkit's <c>client_allowed_sans</c>: a client certificate passes when one of its subject alternative
/// names (DNS, e-mail, IP address or URI, as Go's x509 lists them) is exactly one of the allowed strings.
/// </summary>
internal static class ClientSans
{
    private const string SubjectAlternativeName = "2.5.29.17";

    public static bool AnyAllowed(X509Certificate certificate, IReadOnlyList<string> allowed)
    {
        using var parsed = new X509Certificate2(certificate);
        return Names(parsed).Any(name => allowed.Contains(name, StringComparer.Ordinal));
    }

    /// <summary>The DNS, e-mail, URI and IP names of the certificate's SAN extension (RFC 5280 4.2.1.6).</summary>
    public static IReadOnlyList<string> Names(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[SubjectAlternativeName];
        if (extension is null)
        {
            return [];
        }

        var names = new List<string>();
        try
        {
            var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.TagClass != TagClass.ContextSpecific)
                {
                    sequence.ReadEncodedValue();
                    continue;
                }

                switch (tag.TagValue)
                {
                    case 1 or 2 or 6: // rfc822Name, dNSName, uniformResourceIdentifier: IA5String
                        names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                        break;
                    case 7: // iPAddress: 4 or 16 bytes
                        names.Add(new IPAddress(sequence.ReadOctetString(tag)).ToString());
                        break;
                    default:
                        sequence.ReadEncodedValue();
                        break;
                }
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
        {
            // A malformed extension names nobody: the certificate is refused, as Go's parser refuses it.
            return [];
        }

        return names;
    }
}
