using System;
using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;

namespace Rules.Runtime.Reading;

/// <summary>
/// A forward-only JSON tokenizer for one complete NDJSON line, with the subset of <see cref="Utf8JsonReader"/>'s API
/// the event parser uses and the same accept/reject decisions as <see cref="Utf8JsonReader"/> followed by
/// <see cref="Utf8JsonReader.GetString"/> on every string (RFC 8259: structure, number grammar, escapes, surrogate
/// pairs, no control characters in strings, strict UTF-8, a depth limit, nothing after the root value). It is faster
/// because it knows the whole document is in one span: no partial-token or multi-segment state, strings scanned 32
/// bytes at a time, and every string's UTF-8 validated as it is scanned rather than when it is decoded.
/// Errors: <see cref="JsonException"/> for the grammar and the depth limit, <see cref="DecoderFallbackException"/> for
/// invalid UTF-8, <see cref="InvalidOperationException"/> for an escaped lone surrogate (as GetString reports them).
/// </summary>
internal ref struct JsonLineReader
{
    private readonly ReadOnlySpan<byte> _json;
    private readonly Span<bool> _isObject; // by depth: whether the open container there is an object
    private readonly int _maxDepth;
    private int _position;
    private int _depth;
    private int _valueStart;
    private int _valueLength;
    private int _tokenStart;

    /// <param name="json">The whole document.</param>
    /// <param name="containers">Scratch of at least <paramref name="maxDepth"/> items for the open containers.</param>
    /// <param name="maxDepth">Opening a container when this many are open is an error, as Utf8JsonReader's MaxDepth.</param>
    public JsonLineReader(ReadOnlySpan<byte> json, Span<bool> containers, int maxDepth)
    {
        _json = json;
        _isObject = containers;
        if (maxDepth <= 0 || containers.Length < maxDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDepth), "maxDepth must be positive and containers hold at least that many.");
        }

        _maxDepth = maxDepth;
        TokenType = JsonTokenType.None;
        ValueIsEscaped = false;
    }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>Whether the current string or property name holds escapes (<see cref="ValueSpan"/> is then raw).</summary>
    public bool ValueIsEscaped { get; private set; }

    /// <summary>The raw bytes of the current token: a string's or name's content between its quotes, a number or
    /// literal as written, a bracket.</summary>
    public readonly ReadOnlySpan<byte> ValueSpan => _json.Slice(_valueStart, _valueLength);

    /// <summary>Where the current token starts (a string's opening quote).</summary>
    public readonly long TokenStartIndex => _tokenStart;

    /// <summary>Bytes read so far: the end of the current token (after a property name, after its colon).</summary>
    public readonly long BytesConsumed => _position;

    /// <summary>The depth of the current token, counted as <see cref="Utf8JsonReader.CurrentDepth"/>: a container's
    /// brackets are at the depth of the container that holds them.</summary>
    public readonly int CurrentDepth => TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? _depth - 1 : _depth;

    /// <summary>Reads the next token; false at the end of the document (once the root value is complete).</summary>
    public bool Read()
    {
        var json = _json;
        var position = SkipWhitespace(json, _position);
        switch (TokenType)
        {
            case JsonTokenType.None:
                if (position >= json.Length)
                {
                    throw Invalid(position, "the document is empty");
                }

                return ReadValue(json, position);
            case JsonTokenType.StartObject:
                if (position < json.Length && json[position] == (byte)'}')
                {
                    return CloseContainer(position, JsonTokenType.EndObject);
                }

                return ReadPropertyName(json, position);
            case JsonTokenType.StartArray:
                if (position < json.Length && json[position] == (byte)']')
                {
                    return CloseContainer(position, JsonTokenType.EndArray);
                }

                return ReadValue(json, position);
            case JsonTokenType.PropertyName:
                return ReadValue(json, position);
            default:
                // After a complete value: a comma, the end of the enclosing container, or the end of the document.
                if (_depth == 0)
                {
                    if (position < json.Length)
                    {
                        throw Invalid(position, "content after the end of the JSON value");
                    }

                    _position = position;
                    return false;
                }

                if (position >= json.Length)
                {
                    throw Invalid(position, "the document ends inside an object or array");
                }

                var next = json[position];
                var inObject = _isObject[_depth - 1];
                if (next == (byte)',')
                {
                    position = SkipWhitespace(json, position + 1);
                    return inObject ? ReadPropertyName(json, position) : ReadValue(json, position);
                }

                if (next == (inObject ? (byte)'}' : (byte)']'))
                {
                    return CloseContainer(position, inObject ? JsonTokenType.EndObject : JsonTokenType.EndArray);
                }

                throw Invalid(position, inObject ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }

    /// <summary>
    /// <see cref="Read"/> for the parser's object loop, where the current token is the object's start or the end of a
    /// member's value: the next property name (true) or the object's end (false). Same tokens and errors as Read,
    /// without its dispatch on the current token.
    /// </summary>
    public bool ReadPropertyNameOrEndObject()
    {
        var json = _json;
        var position = SkipWhitespace(json, _position);
        if ((uint)position < (uint)json.Length)
        {
            var next = json[position];
            if (TokenType != JsonTokenType.StartObject)
            {
                if (next == (byte)',')
                {
                    return ReadPropertyName(json, SkipWhitespace(json, position + 1));
                }
            }
            else if (next == (byte)'"')
            {
                return ReadPropertyName(json, position);
            }

            if (next == (byte)'}')
            {
                CloseContainer(position, JsonTokenType.EndObject);
                return false;
            }
        }

        // Anything else is an error, which Read reports.
        Read();
        throw Invalid(position, "expected a property name or '}'");
    }

    /// <summary>
    /// <see cref="Read"/> for the parser's array loop, where the current token is the array's start or the end of an
    /// element: the next element's first token (true) or the array's end (false). Same tokens and errors as Read.
    /// </summary>
    public bool ReadElementOrEndArray()
    {
        var json = _json;
        var position = SkipWhitespace(json, _position);
        if ((uint)position < (uint)json.Length)
        {
            var next = json[position];
            if (next == (byte)']')
            {
                CloseContainer(position, JsonTokenType.EndArray);
                return false;
            }

            if (TokenType == JsonTokenType.StartArray)
            {
                return ReadValue(json, position);
            }

            if (next == (byte)',')
            {
                return ReadValue(json, SkipWhitespace(json, position + 1));
            }
        }

        // Anything else is an error, which Read reports.
        Read();
        throw Invalid(position, "expected a value or ']'");
    }

    /// <summary><see cref="Read"/> when the current token is a property name: its value's first token.</summary>
    public void ReadPropertyValue() => ReadValue(_json, SkipWhitespace(_json, _position));

    /// <summary>Reads past the children of the current object or array, as <see cref="Utf8JsonReader.Skip"/>.</summary>
    public void Skip()
    {
        if (TokenType == JsonTokenType.PropertyName)
        {
            Read();
        }

        if (TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = CurrentDepth;
            do
            {
                Read();
            }
            while (CurrentDepth > depth);
        }
    }

    public readonly bool TryGetInt64(out long value)
    {
        // As Utf8JsonReader: the whole token must parse (no fraction or exponent) and fit.
        var span = ValueSpan;
        if (TokenType == JsonTokenType.Number && Utf8Parser.TryParse(span, out value, out var consumed) && consumed == span.Length)
        {
            return true;
        }

        value = 0;
        return false;
    }

    public readonly bool TryGetDouble(out double value)
    {
        // As Utf8JsonReader: an out-of-range number is infinity (callers that need finite values check).
        var span = ValueSpan;
        if (TokenType == JsonTokenType.Number && Utf8Parser.TryParse(span, out value, out var consumed) && consumed == span.Length)
        {
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>The unescaped UTF-8 of the current string or name into <paramref name="destination"/>, which must hold
    /// <see cref="ValueSpan"/>'s length (unescaping never lengthens).</summary>
    public readonly int CopyString(Span<byte> destination)
    {
        var source = ValueSpan;
        if (!ValueIsEscaped)
        {
            source.CopyTo(destination);
            return source.Length;
        }

        return Unescape(source, destination);
    }

    /// <summary>The unescaped characters of the current string or name into <paramref name="destination"/>, which must
    /// hold <see cref="ValueSpan"/>'s length.</summary>
    public readonly int CopyString(Span<char> destination)
    {
        var source = ValueSpan;
        if (!ValueIsEscaped)
        {
            return Encoding.UTF8.GetChars(source, destination);
        }

        var rented = ArrayPool<byte>.Shared.Rent(source.Length);
        try
        {
            var length = Unescape(source, rented);
            return Encoding.UTF8.GetChars(rented.AsSpan(0, length), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The first non-whitespace position at or after <paramref name="position"/>: NDJSON lines are mostly
    /// compact, so the first byte usually decides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int position) =>
        (uint)position < (uint)json.Length && json[position] > (byte)' ' ? position : SkipWhitespaceRun(json, position);

    private static int SkipWhitespaceRun(ReadOnlySpan<byte> json, int position)
    {
        while ((uint)position < (uint)json.Length && json[position] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            position++;
        }

        return position;
    }

    private bool CloseContainer(int position, JsonTokenType type)
    {
        _depth--;
        TokenType = type;
        _tokenStart = _valueStart = position;
        _valueLength = 1;
        _position = position + 1;
        return true;
    }

    private bool OpenContainer(int position, JsonTokenType type, bool isObject)
    {
        if (_depth >= _maxDepth)
        {
            throw TooDeep(position, _maxDepth);
        }

        _isObject[_depth++] = isObject;
        TokenType = type;
        _tokenStart = _valueStart = position;
        _valueLength = 1;
        _position = position + 1;
        return true;
    }

    private bool ReadPropertyName(ReadOnlySpan<byte> json, int position)
    {
        if (position >= json.Length || json[position] != (byte)'"')
        {
            throw Invalid(position, position >= json.Length ? "the document ends inside an object" : "expected a property name in quotes");
        }

        var end = ScanString(json, position);
        var colon = SkipWhitespace(json, end);
        if (colon >= json.Length || json[colon] != (byte)':')
        {
            throw Invalid(colon, "expected ':' after a property name");
        }

        TokenType = JsonTokenType.PropertyName;
        _position = colon + 1;
        return true;
    }

    private bool ReadValue(ReadOnlySpan<byte> json, int position)
    {
        if (position >= json.Length)
        {
            throw Invalid(position, "expected a value");
        }

        switch (json[position])
        {
            case (byte)'"':
                _position = ScanString(json, position);
                TokenType = JsonTokenType.String;
                return true;
            case (byte)'{':
                return OpenContainer(position, JsonTokenType.StartObject, isObject: true);
            case (byte)'[':
                return OpenContainer(position, JsonTokenType.StartArray, isObject: false);
            case (byte)'t':
                return ReadLiteral(json, position, "true"u8, JsonTokenType.True);
            case (byte)'f':
                return ReadLiteral(json, position, "false"u8, JsonTokenType.False);
            case (byte)'n':
                return ReadLiteral(json, position, "null"u8, JsonTokenType.Null);
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                return ReadNumber(json, position);
            default:
                throw Invalid(position, "expected a value");
        }
    }

    private bool ReadLiteral(ReadOnlySpan<byte> json, int position, ReadOnlySpan<byte> literal, JsonTokenType type)
    {
        if (!json.Slice(position).StartsWith(literal))
        {
            throw Invalid(position, "invalid literal");
        }

        TokenType = type;
        ValueIsEscaped = false;
        _tokenStart = _valueStart = position;
        _valueLength = literal.Length;
        _position = position + literal.Length;
        return true;
    }

    /// <summary>RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    private bool ReadNumber(ReadOnlySpan<byte> json, int start)
    {
        var i = start;
        if (json[i] == (byte)'-')
        {
            i++;
        }

        if (i >= json.Length || !IsDigit(json[i]))
        {
            throw Invalid(i, "a number needs a digit");
        }

        if (json[i] == (byte)'0')
        {
            i++;
        }
        else
        {
            i = Digits(json, i);
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            if (i >= json.Length || !IsDigit(json[i]))
            {
                throw Invalid(i, "a number needs a digit after its decimal point");
            }

            i = Digits(json, i);
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (i >= json.Length || !IsDigit(json[i]))
            {
                throw Invalid(i, "a number needs a digit in its exponent");
            }

            i = Digits(json, i);
        }

        // What follows must end the value: a leading zero followed by digits ("01") is caught here too.
        if (i < json.Length && json[i] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            throw Invalid(i, "invalid character in a number");
        }

        TokenType = JsonTokenType.Number;
        ValueIsEscaped = false;
        _tokenStart = _valueStart = start;
        _valueLength = i - start;
        _position = i;
        return true;

        static int Digits(ReadOnlySpan<byte> json, int i)
        {
            while (i < json.Length && IsDigit(json[i]))
            {
                i++;
            }

            return i;
        }
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>Scans the string whose opening quote is at <paramref name="quote"/>, validating it, and makes it the
    /// current value; returns the position after its closing quote.</summary>
    private int ScanString(ReadOnlySpan<byte> json, int quote)
    {
        var start = quote + 1;
        var i = NextStop(json, start, onlyAscii: false);
        if ((uint)i < (uint)json.Length && json[i] == (byte)'"')
        {
            // The common case: plain ASCII up to the closing quote.
            ValueIsEscaped = false;
            _tokenStart = quote;
            _valueStart = start;
            _valueLength = i - start;
            return i + 1;
        }

        return ScanStringRest(json, quote, i);
    }

    /// <summary>The rest of a string with escapes or non-ASCII bytes (or an error) at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ScanStringRest(ReadOnlySpan<byte> json, int quote, int i)
    {
        var start = quote + 1;
        var escaped = false;
        var unicodeEscape = false;
        var nonAscii = false;
        while (true)
        {
            if (i >= json.Length)
            {
                throw Invalid(json.Length, "the document ends inside a string");
            }

            var b = json[i];
            if (b == (byte)'"')
            {
                break;
            }

            if (b == (byte)'\\')
            {
                escaped = true;
                unicodeEscape |= i + 1 < json.Length && json[i + 1] == (byte)'u';
                i = SkipEscape(json, i);
            }
            else if (b >= 0x80)
            {
                // Validated once the string's end is known; from here on only ASCII stops are searched.
                nonAscii = true;
                i++;
            }
            else
            {
                throw Invalid(i, "a control character in a string must be escaped");
            }

            i = NextStop(json, i, nonAscii);
        }

        if (nonAscii && !System.Text.Unicode.Utf8.IsValid(json.Slice(start, i - start)))
        {
            throw new DecoderFallbackException($"invalid UTF-8 in the string at byte {quote}");
        }

        if (unicodeEscape)
        {
            CheckSurrogates(json.Slice(start, i - start));
        }

        ValueIsEscaped = escaped;
        _tokenStart = quote;
        _valueStart = start;
        _valueLength = i - start;
        return i + 1;
    }

    /// <summary>The first byte at or after <paramref name="i"/> that a string scan must look at: '"', '\\', a control
    /// character, or (unless <paramref name="onlyAscii"/>) a non-ASCII byte; the length when there is none.
    /// 32 or 16 bytes at a time while that many remain, then byte by byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextStop(ReadOnlySpan<byte> json, int i, bool onlyAscii)
    {
        ref var first = ref MemoryMarshal.GetReference(json);
        var length = json.Length;
        if (Vector256.IsHardwareAccelerated)
        {
            var quotes = Vector256.Create((byte)'"');
            var backslashes = Vector256.Create((byte)'\\');
            var space = Vector256.Create((byte)0x20);
            while (i + Vector256<byte>.Count <= length)
            {
                var chunk = Vector256.LoadUnsafe(ref first, (nuint)i);
                // Signed, bytes under 0x20 and from 0x80 on compare below 0x20; unsigned, only control characters.
                var low = onlyAscii ? Vector256.LessThan(chunk, space) : Vector256.LessThan(chunk.AsSByte(), space.AsSByte()).AsByte();
                var stops = low | Vector256.Equals(chunk, quotes) | Vector256.Equals(chunk, backslashes);
                var bits = stops.ExtractMostSignificantBits();
                if (bits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(bits);
                }

                i += Vector256<byte>.Count;
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            var quotes = Vector128.Create((byte)'"');
            var backslashes = Vector128.Create((byte)'\\');
            var space = Vector128.Create((byte)0x20);
            while (i + Vector128<byte>.Count <= length)
            {
                var chunk = Vector128.LoadUnsafe(ref first, (nuint)i);
                var low = onlyAscii ? Vector128.LessThan(chunk, space) : Vector128.LessThan(chunk.AsSByte(), space.AsSByte()).AsByte();
                var stops = low | Vector128.Equals(chunk, quotes) | Vector128.Equals(chunk, backslashes);
                var bits = stops.ExtractMostSignificantBits();
                if (bits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(bits);
                }

                i += Vector128<byte>.Count;
            }
        }

        for (; i < length; i++)
        {
            var b = json[i];
            if (b < 0x20 || b == (byte)'"' || b == (byte)'\\' || (b >= 0x80 && !onlyAscii))
            {
                return i;
            }
        }

        return length;
    }

    /// <summary>Validates the escape at <paramref name="backslash"/>; returns the position after it.</summary>
    private static int SkipEscape(ReadOnlySpan<byte> json, int backslash)
    {
        var i = backslash + 1;
        if (i >= json.Length)
        {
            throw Invalid(i, "the document ends inside a string");
        }

        switch (json[i])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                return i + 1;
            case (byte)'u':
                if (i + 4 >= json.Length || HexValue(json.Slice(i + 1, 4)) < 0)
                {
                    throw Invalid(i, "\\u needs four hexadecimal digits");
                }

                return i + 5;
            default:
                throw Invalid(i, "invalid escape in a string");
        }
    }

    private static int HexValue(ReadOnlySpan<byte> fourDigits)
    {
        var value = 0;
        foreach (var b in fourDigits)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return -1;
            }

            value = (value << 4) | digit;
        }

        return value;
    }

    /// <summary>An escaped high surrogate must be followed by an escaped low one, and a low one cannot stand alone,
    /// as GetString requires (the escapes themselves are already validated).</summary>
    private static void CheckSurrogates(ReadOnlySpan<byte> content)
    {
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] != (byte)'\\')
            {
                continue;
            }

            i++;
            if (content[i] != (byte)'u')
            {
                continue;
            }

            var unit = HexValue(content.Slice(i + 1, 4));
            i += 4;
            if (unit is < 0xD800 or > 0xDFFF)
            {
                continue;
            }

            if (unit >= 0xDC00 || i + 6 >= content.Length || content[i + 1] != (byte)'\\' || content[i + 2] != (byte)'u'
                || HexValue(content.Slice(i + 3, 4)) is < 0xDC00 or > 0xDFFF)
            {
                throw new InvalidOperationException("Cannot read invalid UTF-16 JSON text as string: an escaped surrogate is not part of a pair.");
            }

            i += 6;
        }
    }

    /// <summary>Unescapes validated string content (escapes well formed, surrogates paired) into UTF-8.</summary>
    private static int Unescape(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var backslash = source.Slice(i).IndexOf((byte)'\\');
            var run = backslash < 0 ? source.Length - i : backslash;
            source.Slice(i, run).CopyTo(destination.Slice(written));
            written += run;
            i += run;
            if (backslash < 0)
            {
                break;
            }

            var kind = source[i + 1];
            i += 2;
            switch (kind)
            {
                case (byte)'b':
                    destination[written++] = (byte)'\b';
                    break;
                case (byte)'f':
                    destination[written++] = (byte)'\f';
                    break;
                case (byte)'n':
                    destination[written++] = (byte)'\n';
                    break;
                case (byte)'r':
                    destination[written++] = (byte)'\r';
                    break;
                case (byte)'t':
                    destination[written++] = (byte)'\t';
                    break;
                case (byte)'u':
                    var scalar = HexValue(source.Slice(i, 4));
                    i += 4;
                    if (scalar is >= 0xD800 and <= 0xDBFF)
                    {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (HexValue(source.Slice(i + 2, 4)) - 0xDC00);
                        i += 6;
                    }

                    written += new Rune(scalar).EncodeToUtf8(destination.Slice(written));
                    break;
                default:
                    // '"', '\\' and '/' stand for themselves.
                    destination[written++] = kind;
                    break;
            }
        }

        return written;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JsonException TooDeep(int position, int maxDepth) => Invalid(position, $"nested deeper than {maxDepth} levels");

    private static JsonException Invalid(int position, string problem) =>
        new($"invalid JSON at byte {position}: {problem}.");
}
