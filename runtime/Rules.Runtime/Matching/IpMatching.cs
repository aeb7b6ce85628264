using System;

namespace Rules.Runtime.Matching;

/// <summary>
/// An address range of an Elasticsearch <c>ip</c> field query: a CIDR block (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>)
/// or a single address. As Elasticsearch (Lucene InetAddressPoint) does, IPv4 is held as the IPv4-mapped IPv6
/// address <c>::ffff:a.b.c.d</c> with the prefix length plus 96, so an IPv4 range also holds the event value
/// <c>::ffff:10.1.2.3</c>. Parse once into a static field; <see cref="Contains"/> does not allocate.
/// </summary>
public readonly struct IpRange
{
    private readonly UInt128 _network;
    private readonly UInt128 _mask;

    private IpRange(UInt128 network, UInt128 mask)
    {
        _network = network;
        _mask = mask;
    }

    /// <summary>Parses <c>address</c> or <c>address/prefix</c>; the compiler only emits valid ranges.</summary>
    public static IpRange Parse(string range)
    {
        if (!TryParse(range, out var result))
        {
            throw new FormatException($"'{range}' is not an IP address or CIDR range.");
        }

        return result;
    }

    public static bool TryParse(string range, out IpRange result)
    {
        result = default;
        var span = range.AsSpan();
        var slash = span.IndexOf('/');
        var addressPart = slash < 0 ? span : span.Slice(0, slash);
        if (!IpMatching.TryParseAddress(addressPart, out var address, out var isV4))
        {
            return false;
        }

        var prefix = 128;
        if (slash >= 0)
        {
            var prefixPart = span.Slice(slash + 1);
            if (prefixPart.Length == 0 || prefixPart.Length > 3 || !int.TryParse(prefixPart, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits))
            {
                return false;
            }

            if (bits > (isV4 ? 32 : 128))
            {
                return false;
            }

            prefix = isV4 ? bits + 96 : bits;
        }

        var mask = prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
        result = new IpRange(address & mask, mask);
        return true;
    }

    /// <summary>The event value is an address inside the range; a value that is not an address is not.</summary>
    public bool Contains(string? address) =>
        address is not null && IpMatching.TryParseAddress(address.AsSpan(), out var value, out _) && (value & _mask) == _network;

    public bool Contains(UInt128 address) => (address & _mask) == _network;
}

/// <summary>Address parsing and comparison for <c>ip</c> fields, without allocating.</summary>
public static class IpMatching
{
    private static readonly UInt128 V4MappedPrefix = (UInt128)0xFFFF << 32;

    /// <summary>Both are addresses and equal as addresses (<c>::1</c> = <c>0:0::1</c>, <c>10.0.0.1</c> = <c>::ffff:10.0.0.1</c>).</summary>
    public static bool Equals(string? address, string literal) =>
        address is not null &&
        TryParseAddress(address.AsSpan(), out var left, out _) &&
        TryParseAddress(literal.AsSpan(), out var right, out _) &&
        left == right;

    /// <summary>Any range holds the address.</summary>
    public static bool InAny(string? address, IpRange[] ranges)
    {
        if (address is null || !TryParseAddress(address.AsSpan(), out var value, out _))
        {
            return false;
        }

        foreach (var range in ranges)
        {
            if (range.Contains(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Parses a literal IPv4 (strict dotted quad, no leading zeros) or IPv6 address (hex groups, one <c>::</c>,
    /// optional trailing dotted quad) as Elasticsearch's InetAddresses.forString does; IPv4 yields the
    /// IPv4-mapped IPv6 value. Zone ids (<c>%eth0</c>) are not accepted.
    /// </summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out UInt128 address, out bool isV4)
    {
        address = UInt128.Zero;
        isV4 = false;
        if (text.Length == 0)
        {
            return false;
        }

        if (text.IndexOf(':') < 0)
        {
            if (!TryParseV4(text, out var v4))
            {
                return false;
            }

            isV4 = true;
            address = V4MappedPrefix | v4;
            return true;
        }

        return TryParseV6(text, out address);
    }

    private static bool TryParseV4(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        var parts = 0;
        var i = 0;
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

    private static bool TryParseV6(ReadOnlySpan<char> text, out UInt128 address)
    {
        address = UInt128.Zero;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1;
        var i = 0;
        if (text.StartsWith("::"))
        {
            gap = 0;
            i = 2;
            if (i == text.Length)
            {
                address = UInt128.Zero;
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
            while (i < text.Length && i - start < 5 && IsHex(text[i]))
            {
                group = (group << 4) | HexValue(text[i]);
                i++;
            }

            if (i < text.Length && text[i] == '.')
            {
                // Trailing dotted quad: the last 32 bits.
                if (count > 6 || !TryParseV4(text.Slice(start), out var v4))
                {
                    return false;
                }

                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)(v4 & 0xFFFF);
                i = text.Length;
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

        var result = UInt128.Zero;
        var filled = 0;
        for (var g = 0; g < 8; g++)
        {
            ushort value;
            if (gap >= 0 && g >= gap && g < gap + (8 - count))
            {
                value = 0;
            }
            else
            {
                value = groups[filled++];
            }

            result = (result << 16) | value;
        }

        address = result;
        return true;
    }

    private static bool IsHex(char c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
