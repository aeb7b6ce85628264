using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Rules.Runtime.Matching
{
    /// <summary>
    /// The EQL functions of Elasticsearch's function reference (docs/reference/query-languages/eql/eql-function-ref.md),
    /// called by generated matchers: <c>EqlFunctions.&lt;Name&gt;</c> with the EQL name in PascalCase, and
    /// <c>&lt;Name&gt;Insensitive</c> for the <c>name~</c> variant. Arguments and results are nullable: a null argument
    /// gives a null result, as in Elasticsearch. Errors Elasticsearch raises at search time (division by zero,
    /// overflow, an unparsable number) give null here, since a streaming matcher cannot fail a search.
    /// No method allocates except those that build a new string (Between, Concat, String, Substring) and CidrMatch
    /// on IPv6 text (parsed with System.Net.IPAddress); IPv4 is parsed in place.
    /// docs/eql.md lists the signatures.
    /// </summary>
    public static class EqlFunctions
    {
        // ---------------------------------------------------------------- arithmetic

        public static long? Add(long? left, long? right)
        {
            if (left is null || right is null)
            {
                return null;
            }

            var sum = unchecked(left.Value + right.Value);
            // Elasticsearch uses Math.addExact: an overflow is an error, not a wrapped value.
            return ((left.Value ^ sum) & (right.Value ^ sum)) < 0 ? null : sum;
        }

        public static double? Add(double? left, double? right) => left is null || right is null ? null : left.Value + right.Value;

        /// <summary>Unary minus. Elasticsearch uses Math.negateExact: long.MinValue has no negation (null here).</summary>
        public static long? Negate(long? value) => value is null || value.Value == long.MinValue ? null : -value.Value;

        public static double? Negate(double? value) => value is null ? null : -value.Value;

        public static long? Subtract(long? left, long? right)
        {
            if (left is null || right is null)
            {
                return null;
            }

            var difference = unchecked(left.Value - right.Value);
            return ((left.Value ^ right.Value) & (left.Value ^ difference)) < 0 ? null : difference;
        }

        public static double? Subtract(double? left, double? right) => left is null || right is null ? null : left.Value - right.Value;

        public static long? Multiply(long? left, long? right)
        {
            if (left is null || right is null)
            {
                return null;
            }

            var high = Math.BigMul(left.Value, right.Value, out long low);
            return (high == 0 && low >= 0) || (high == -1 && low < 0) ? low : null;
        }

        public static double? Multiply(double? left, double? right) => left is null || right is null ? null : left.Value * right.Value;

        /// <summary>Integer division truncates (Java semantics: divide(4, 3) is 1, divide(-4, 3) is -1).</summary>
        public static long? Divide(long? dividend, long? divisor)
        {
            if (dividend is null || divisor is null || divisor.Value == 0 || (dividend.Value == long.MinValue && divisor.Value == -1))
            {
                return null;
            }

            return dividend.Value / divisor.Value;
        }

        public static double? Divide(double? dividend, double? divisor) =>
            dividend is null || divisor is null || divisor.Value == 0 ? null : dividend.Value / divisor.Value;

        /// <summary>The remainder takes the dividend's sign (Java's %): modulo(-10, 6) is -4.</summary>
        public static long? Modulo(long? dividend, long? divisor)
        {
            if (dividend is null || divisor is null || divisor.Value == 0)
            {
                return null;
            }

            return divisor.Value == -1 ? 0 : dividend.Value % divisor.Value;
        }

        public static double? Modulo(double? dividend, double? divisor) =>
            dividend is null || divisor is null || divisor.Value == 0 ? null : dividend.Value % divisor.Value;

        // ---------------------------------------------------------------- strings

        /// <summary>
        /// The text between the first <paramref name="left"/> and the next (or, greedy, the last) <paramref name="right"/>;
        /// empty when either is not found.
        /// </summary>
        public static string? Between(string? source, string? left, string? right, bool? greedy = false) =>
            BetweenCore(source, left, right, greedy, StringComparison.Ordinal);

        public static string? BetweenInsensitive(string? source, string? left, string? right, bool? greedy = false) =>
            BetweenCore(source, left, right, greedy, StringComparison.OrdinalIgnoreCase);

        private static string? BetweenCore(string? source, string? left, string? right, bool? greedy, StringComparison comparison)
        {
            if (source is null || left is null || right is null)
            {
                return null;
            }

            var leftIndex = source.IndexOf(left, comparison);
            if (leftIndex < 0)
            {
                return string.Empty;
            }

            var start = leftIndex + left.Length;
            var end = greedy == true ? source.LastIndexOf(right, comparison) : source.IndexOf(right, start, comparison);
            if (end < start)
            {
                return string.Empty;
            }

            return source.Substring(start, end - start);
        }

        /// <summary>Concatenates the values; convert non-string arguments with <see cref="String(long?)"/> and its overloads first.</summary>
        public static string? Concat(params ReadOnlySpan<string?> values)
        {
            foreach (var value in values)
            {
                if (value is null)
                {
                    return null;
                }
            }

            return string.Concat(values);
        }

        public static bool? EndsWith(string? source, string? substring) =>
            source is null || substring is null ? null : source.AsSpan().EndsWith(substring.AsSpan(), StringComparison.Ordinal);

        public static bool? EndsWithInsensitive(string? source, string? substring) =>
            source is null || substring is null ? null : source.AsSpan().EndsWith(substring.AsSpan(), StringComparison.OrdinalIgnoreCase);

        public static bool? StartsWith(string? source, string? substring) =>
            source is null || substring is null ? null : source.AsSpan().StartsWith(substring.AsSpan(), StringComparison.Ordinal);

        public static bool? StartsWithInsensitive(string? source, string? substring) =>
            source is null || substring is null ? null : source.AsSpan().StartsWith(substring.AsSpan(), StringComparison.OrdinalIgnoreCase);

        /// <summary>Java's String.contains, which Elasticsearch calls: an empty substring is contained.</summary>
        public static bool? StringContains(string? source, string? substring) =>
            source is null || substring is null ? null : source.AsSpan().IndexOf(substring.AsSpan(), StringComparison.Ordinal) >= 0;

        public static bool? StringContainsInsensitive(string? source, string? substring) =>
            source is null || substring is null ? null : source.AsSpan().IndexOf(substring.AsSpan(), StringComparison.OrdinalIgnoreCase) >= 0;

        /// <summary>The first position of <paramref name="substring"/> at or after <paramref name="start"/> (negative: 0); null when absent.</summary>
        public static long? IndexOf(string? source, string? substring) => IndexOfCore(source, substring, 0, StringComparison.Ordinal);

        public static long? IndexOf(string? source, string? substring, long? start) =>
            start is null ? null : IndexOfCore(source, substring, start.Value, StringComparison.Ordinal);

        public static long? IndexOfInsensitive(string? source, string? substring) => IndexOfCore(source, substring, 0, StringComparison.OrdinalIgnoreCase);

        public static long? IndexOfInsensitive(string? source, string? substring, long? start) =>
            start is null ? null : IndexOfCore(source, substring, start.Value, StringComparison.OrdinalIgnoreCase);

        private static long? IndexOfCore(string? source, string? substring, long start, StringComparison comparison)
        {
            if (source is null || substring is null)
            {
                return null;
            }

            if (start < 0)
            {
                start = 0;
            }

            if (start > source.Length)
            {
                return null;
            }

            var index = source.AsSpan((int)start).IndexOf(substring.AsSpan(), comparison);
            return index < 0 ? null : index + start;
        }

        /// <summary>The length in UTF-16 code units (Java's String.length()).</summary>
        public static long? Length(string? value) => value?.Length;

        /// <summary>
        /// Python-style slice: negative positions count from the end, positions are clamped to the string, an empty
        /// string when start is not before end.
        /// </summary>
        public static string? Substring(string? source, long? start) => Substring(source, start, source?.Length);

        public static string? Substring(string? source, long? start, long? end)
        {
            if (source is null || start is null)
            {
                return null;
            }

            long length = source.Length;
            var from = start.Value < 0 ? start.Value + length : start.Value;
            var to = end is null ? length : end.Value < 0 ? end.Value + length : end.Value;
            from = Math.Clamp(from, 0, length);
            to = Math.Clamp(to, 0, length);
            return from >= to ? string.Empty : source.Substring((int)from, (int)(to - from));
        }

        // ---------------------------------------------------------------- conversions

        /// <summary>
        /// Parses a number: surrounding whitespace ignored, a leading + or -, "0x" selects base 16, a decimal or
        /// exponent gives a float. <paramref name="radix"/> null means the default (16 for "0x", else 10).
        /// Unparsable text gives null.
        /// </summary>
        public static double? Number(string? value, long? radix = null)
        {
            if (value is null)
            {
                return null;
            }

            var text = value.AsSpan().Trim();
            var negative = false;
            var unsigned = text;
            if (unsigned.Length > 0 && (unsigned[0] == '+' || unsigned[0] == '-'))
            {
                negative = unsigned[0] == '-';
                unsigned = unsigned.Slice(1);
            }

            var hex = unsigned.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
            var numberBase = radix ?? (hex ? 16 : 10);
            if (hex && numberBase == 16)
            {
                unsigned = unsigned.Slice(2);
            }

            if (numberBase < 2 || numberBase > 36 || unsigned.Length == 0)
            {
                return null;
            }

            if (numberBase == 10 && radix is null)
            {
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return integer;
                }

                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !double.IsInfinity(real) ? real : null;
            }

            long result = 0;
            foreach (var c in unsigned)
            {
                var digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
                if (digit >= numberBase)
                {
                    return null;
                }

                try
                {
                    result = checked((result * numberBase) + digit);
                }
                catch (OverflowException)
                {
                    return null;
                }
            }

            return negative ? -result : result;
        }

        public static string? String(string? value) => value;

        public static string? String(long? value) => value?.ToString(CultureInfo.InvariantCulture);

        public static string? String(bool? value) => value is null ? null : value.Value ? "true" : "false";

        /// <summary>Java's Double.toString: "42.5", "1.0", "1.0E10", "1.0E-5".</summary>
        public static string? String(double? value)
        {
            if (value is null)
            {
                return null;
            }

            var d = value.Value;
            if (double.IsNaN(d))
            {
                return "NaN";
            }

            if (double.IsInfinity(d))
            {
                return d > 0 ? "Infinity" : "-Infinity";
            }

            var abs = Math.Abs(d);
            if (d == 0 || (abs >= 1e-3 && abs < 1e7))
            {
                var plain = d.ToString("R", CultureInfo.InvariantCulture);
                if (plain.IndexOf('E') >= 0)
                {
                    plain = d.ToString("0.0###################", CultureInfo.InvariantCulture);
                }

                return plain.IndexOf('.') >= 0 ? plain : plain + ".0";
            }

            var scientific = d.ToString("E16", CultureInfo.InvariantCulture);
            var shortest = d.ToString("R", CultureInfo.InvariantCulture);
            // Rebuild from the shortest round-trip digits: mantissa d.ddd, exponent without '+' or padding.
            var digits = shortest.Replace("-", string.Empty).Replace(".", string.Empty);
            var ePos = digits.IndexOfAny(new[] { 'E', 'e' });
            if (ePos >= 0)
            {
                digits = digits.Substring(0, ePos);
            }

            digits = digits.TrimStart('0');
            digits = digits.TrimEnd('0');
            if (digits.Length == 0)
            {
                digits = "0";
            }

            var exponent = int.Parse(scientific.Substring(scientific.IndexOf('E') + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var mantissa = digits.Length == 1 ? digits + ".0" : digits.Substring(0, 1) + "." + digits.Substring(1);
            return (d < 0 ? "-" : string.Empty) + mantissa + "E" + exponent.ToString(CultureInfo.InvariantCulture);
        }

        // ---------------------------------------------------------------- ip

        /// <summary>True when the address lies in any of the CIDR blocks (a bare address is a /32 or /128).
        /// IPv4 and IPv4-mapped IPv6 addresses are the same address, as Elasticsearch's ip type stores them.</summary>
        public static bool? CidrMatch(string? address, params ReadOnlySpan<string?> cidrBlocks)
        {
            if (address is null)
            {
                return null;
            }

            foreach (var block in cidrBlocks)
            {
                if (block is null)
                {
                    return null;
                }
            }

            Span<byte> value = stackalloc byte[16];
            if (!TryParseAddress(address.AsSpan(), value))
            {
                return false;
            }

            Span<byte> network = stackalloc byte[16];
            foreach (var block in cidrBlocks)
            {
                var span = block.AsSpan();
                var slash = span.IndexOf('/');
                var addressPart = slash < 0 ? span : span.Slice(0, slash);
                if (!TryParseAddress(addressPart, network, out var isV4))
                {
                    continue;
                }

                var bits = 128;
                if (slash >= 0)
                {
                    if (!int.TryParse(span.Slice(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits > (isV4 ? 32 : 128))
                    {
                        continue;
                    }

                    bits += isV4 ? 96 : 0;
                }

                if (PrefixEquals(value, network, bits))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool TryParseAddress(ReadOnlySpan<char> text, Span<byte> destination) => TryParseAddress(text, destination, out _);

        private static bool TryParseAddress(ReadOnlySpan<char> text, Span<byte> destination, out bool isV4)
        {
            // IPv4 (the common case) is parsed without allocating, as an IPv4-mapped IPv6 address.
            if (TryParseIPv4(text, destination.Slice(12)))
            {
                destination.Slice(0, 10).Clear();
                destination[10] = 0xFF;
                destination[11] = 0xFF;
                isV4 = true;
                return true;
            }

            isV4 = false;
            if (text.IndexOf(':') < 0 || !IPAddress.TryParse(text, out var parsed))
            {
                return false;
            }

            if (parsed.AddressFamily == AddressFamily.InterNetwork)
            {
                isV4 = true;
                parsed = parsed.MapToIPv6();
            }

            return parsed.TryWriteBytes(destination, out var written) && written == 16;
        }

        /// <summary>A strict dotted quad: four decimal parts of 1 to 3 digits, each at most 255.</summary>
        private static bool TryParseIPv4(ReadOnlySpan<char> text, Span<byte> destination)
        {
            var part = 0;
            var value = 0;
            var digits = 0;
            foreach (var c in text)
            {
                if (c >= '0' && c <= '9')
                {
                    value = (value * 10) + (c - '0');
                    if (++digits > 3 || value > 255)
                    {
                        return false;
                    }
                }
                else if (c == '.' && digits > 0 && part < 3)
                {
                    destination[part++] = (byte)value;
                    value = 0;
                    digits = 0;
                }
                else
                {
                    return false;
                }
            }

            if (part != 3 || digits == 0)
            {
                return false;
            }

            destination[3] = (byte)value;
            return true;
        }

        private static bool PrefixEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, int bits)
        {
            var fullBytes = bits / 8;
            if (!left.Slice(0, fullBytes).SequenceEqual(right.Slice(0, fullBytes)))
            {
                return false;
            }

            var remaining = bits % 8;
            if (remaining == 0)
            {
                return true;
            }

            var mask = (byte)(0xFF << (8 - remaining));
            return (left[fullBytes] & mask) == (right[fullBytes] & mask);
        }
    }
}
