using System.Globalization;
using System.Text;

namespace Rules.Language.Analysis
{
    /// <summary>
    /// Build-time parsing of <c>ip</c> field values as Elasticsearch reads them (InetAddresses.forString and
    /// parseCidr): strict dotted-quad IPv4 (no leading zeros), IPv6 with one <c>::</c> and an optional trailing
    /// dotted quad, an optional <c>/prefix</c>. IPv4 is held IPv4-mapped (<c>::ffff:a.b.c.d</c>), as Lucene's
    /// InetAddressPoint does. The runtime twin is Rules.Runtime.Matching.IpMatching.
    /// </summary>
    public static class IpAddressText
    {
        /// <summary>
        /// Parses an address or CIDR range and returns it in the canonical form the emitter passes to
        /// <c>IpRange.Parse</c>: network address with host bits cleared, then <c>/prefix</c> (IPv4 ranges in
        /// IPv4 notation; a bare address becomes /32 or /128).
        /// </summary>
        public static bool TryNormalizeRange(string text, out string canonical)
        {
            canonical = "";
            var slash = text.IndexOf('/');
            var addressPart = slash < 0 ? text : text.Substring(0, slash);
            if (!TryParseAddress(addressPart, out var groups, out var isV4))
            {
                return false;
            }

            var prefix = isV4 ? 32 : 128;
            if (slash >= 0)
            {
                var prefixText = text.Substring(slash + 1);
                if (prefixText.Length == 0 || prefixText.Length > 3 || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > (isV4 ? 32 : 128))
                {
                    return false;
                }
            }

            var prefix128 = isV4 ? prefix + 96 : prefix;
            for (var g = 0; g < 8; g++)
            {
                var keep = prefix128 - (g * 16);
                if (keep <= 0)
                {
                    groups[g] = 0;
                }
                else if (keep < 16)
                {
                    groups[g] = (ushort)(groups[g] & (0xFFFF << (16 - keep)));
                }
            }

            canonical = Format(groups, prefix128);
            return true;
        }

        private static string Format(ushort[] groups, int prefix128)
        {
            var isMapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0 && groups[5] == 0xFFFF && prefix128 >= 96;
            if (isMapped)
            {
                return $"{groups[6] >> 8}.{groups[6] & 0xFF}.{groups[7] >> 8}.{groups[7] & 0xFF}/{prefix128 - 96}";
            }

            // RFC 5952: compress the longest run (length >= 2) of zero groups, leftmost on ties; lowercase hex.
            int bestStart = -1, bestLength = 0;
            for (var i = 0; i < 8;)
            {
                if (groups[i] != 0)
                {
                    i++;
                    continue;
                }

                var start = i;
                while (i < 8 && groups[i] == 0)
                {
                    i++;
                }

                if (i - start > bestLength && i - start >= 2)
                {
                    bestStart = start;
                    bestLength = i - start;
                }
            }

            var builder = new StringBuilder();
            for (var i = 0; i < 8; i++)
            {
                if (i == bestStart)
                {
                    builder.Append("::");
                    i += bestLength - 1;
                    continue;
                }

                if (builder.Length > 0 && builder[builder.Length - 1] != ':')
                {
                    builder.Append(':');
                }

                builder.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
            }

            return builder.Append('/').Append(prefix128).ToString();
        }

        public static bool TryParseAddress(string text, out ushort[] groups, out bool isV4)
        {
            groups = new ushort[8];
            isV4 = false;
            if (text.Length == 0)
            {
                return false;
            }

            if (text.IndexOf(':') < 0)
            {
                if (!TryParseV4(text, 0, out var v4))
                {
                    return false;
                }

                isV4 = true;
                groups[5] = 0xFFFF;
                groups[6] = (ushort)(v4 >> 16);
                groups[7] = (ushort)(v4 & 0xFFFF);
                return true;
            }

            return TryParseV6(text, groups);
        }

        private static bool TryParseV4(string text, int from, out uint value)
        {
            value = 0;
            var parts = 0;
            var i = from;
            while (true)
            {
                var start = i;
                var octet = 0;
                while (i < text.Length && text[i] >= '0' && text[i] <= '9')
                {
                    octet = (octet * 10) + (text[i] - '0');
                    i++;
                    if (i - start > 3)
                    {
                        return false;
                    }
                }

                var digits = i - start;
                if (digits == 0 || octet > 255 || (digits > 1 && text[start] == '0'))
                {
                    return false;
                }

                value = (value << 8) | (uint)octet;
                parts++;
                if (i == text.Length)
                {
                    return parts == 4;
                }

                if (text[i] != '.' || parts == 4)
                {
                    return false;
                }

                i++;
            }
        }

        private static bool TryParseV6(string text, ushort[] result)
        {
            var groups = new ushort[8];
            var count = 0;
            var gap = -1;
            var i = 0;
            if (text.StartsWith("::"))
            {
                gap = 0;
                i = 2;
                if (i == text.Length)
                {
                    return true;
                }
            }
            else if (text[0] == ':')
            {
                return false;
            }

            while (i < text.Length)
            {
                if (count == 8)
                {
                    return false;
                }

                var start = i;
                var group = 0;
                while (i < text.Length && i - start < 5 && Hex(text[i]) >= 0)
                {
                    group = (group << 4) | Hex(text[i]);
                    i++;
                }

                if (i < text.Length && text[i] == '.')
                {
                    if (count > 6 || !TryParseV4(text, start, out var v4))
                    {
                        return false;
                    }

                    groups[count++] = (ushort)(v4 >> 16);
                    groups[count++] = (ushort)(v4 & 0xFFFF);
                    break;
                }

                var digits = i - start;
                if (digits == 0 || digits > 4)
                {
                    return false;
                }

                groups[count++] = (ushort)group;
                if (i == text.Length)
                {
                    break;
                }

                if (text[i] != ':')
                {
                    return false;
                }

                i++;
                if (i < text.Length && text[i] == ':')
                {
                    if (gap >= 0)
                    {
                        return false;
                    }

                    gap = count;
                    i++;
                    if (i == text.Length)
                    {
                        break;
                    }
                }
                else if (i == text.Length)
                {
                    return false;
                }
            }

            if (gap < 0 ? count != 8 : count > 7)
            {
                return false;
            }

            var filled = 0;
            for (var g = 0; g < 8; g++)
            {
                result[g] = gap >= 0 && g >= gap && g < gap + (8 - count) ? (ushort)0 : groups[filled++];
            }

            return true;
        }

        private static int Hex(char c) =>
            c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
