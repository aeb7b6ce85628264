using System.Text;
using System.Text.Json;
using Rules.Runtime.Reading;

namespace Rules.Tests.Events;

/// <summary>
/// <see cref="JsonLineReader"/> against the yardstick it replaces: <see cref="Utf8JsonReader"/> reading the whole
/// document and decoding every string with GetString (which is when Utf8JsonReader rejects invalid UTF-8 and escaped
/// lone surrogates). Same accept/reject decision on every line; on accepted lines, the same tokens, values, positions
/// and depths.
/// </summary>
public class JsonLineReaderTests
{
    private const int MaxDepth = 6;

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"a":1,"b":[true,false,null],"c":{"d":"e"}}""")]
    [InlineData(" \t{ \"a\" : [ 1 , 2 ] , \"b\" : { } }\r\n ")]
    [InlineData("""{"path":"C:\\Windows\\System32","q":"\"quoted\"","u":"\u00e9\u4e2d\ud83d\ude00","s":"\/\b\f\n\r\t"}""")]
    [InlineData("""[0,-0,1.5,-12.5e+3,1E5,1e-2,0.0001,1e400,-1e400,12345678901234567890,-9223372036854775808,9223372036854775807,9223372036854775808]""")]
    [InlineData("\"plain\"")]
    [InlineData("123")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[[[[[1]]]]]")]
    [InlineData("{\"é\":\"日本語\",\"emoji\":\"😀\"}")]
    public void Valid_documents_give_the_same_tokens(string json) =>
        AssertSameAsUtf8JsonReader(Encoding.UTF8.GetBytes(json), expectValid: true);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("[,1]")]
    [InlineData("{\"a\"}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{a:1}")]
    [InlineData("{'a':1}")]
    [InlineData("{\"a\":1}}")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":1}{}")]
    [InlineData("[1 2]")]
    [InlineData("{\"a\":1 \"b\":2}")]
    [InlineData("[01]")]
    [InlineData("[-]")]
    [InlineData("[1.]")]
    [InlineData("[.5]")]
    [InlineData("[+1]")]
    [InlineData("[1e]")]
    [InlineData("[1e+]")]
    [InlineData("[1.e5]")]
    [InlineData("[-01]")]
    [InlineData("[1x]")]
    [InlineData("[0x10]")]
    [InlineData("[NaN]")]
    [InlineData("[Infinity]")]
    [InlineData("[tru]")]
    [InlineData("[truex]")]
    [InlineData("[nul]")]
    [InlineData("[True]")]
    [InlineData("[\"a\\x\"]")]
    [InlineData("[\"a\\u12\"]")]
    [InlineData("[\"a\\u12g4\"]")]
    [InlineData("[\"a\\\"]")]
    [InlineData("[\"\\ud800\"]")]
    [InlineData("[\"\\udc00\"]")]
    [InlineData("[\"\\ud800\\u0041\"]")]
    [InlineData("[\"\\ud800\\ud800\"]")]
    [InlineData("[\"\\ud800x\"]")]
    [InlineData("{\"\\ud800\":1}")]
    [InlineData("[\"tab\there\"]")]
    [InlineData("[\"a\nb\"]")]
    [InlineData("[\"unterminated]")]
    [InlineData("/* comment */ {}")]
    [InlineData("{} // comment")]
    [InlineData("[[[[[[[1]]]]]]]")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{}}}}}}}")]
    public void Invalid_documents_are_rejected_alike(string json) =>
        AssertSameAsUtf8JsonReader(Encoding.UTF8.GetBytes(json), expectValid: false);

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]             // a lead byte without its continuation
    [InlineData(new byte[] { 0x80 })]                   // a lone continuation byte
    [InlineData(new byte[] { 0xC0, 0x80 })]             // overlong NUL
    [InlineData(new byte[] { 0xE0, 0x80, 0xAF })]       // overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // an encoded surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xE2, 0x82 })]             // truncated sequence
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 })]
    public void Invalid_utf8_in_strings_is_rejected_alike(byte[] bad)
    {
        foreach (var (before, after) in new[] { ("{\"k\":\"", "\"}"), ("{\"", "\":1}"), ("[\"0123456789012345678901234567890123456789", "x\"]"), ("[\"é", "\"]") })
        {
            var json = Encoding.UTF8.GetBytes(before).Concat(bad).Concat(Encoding.UTF8.GetBytes(after)).ToArray();
            AssertSameAsUtf8JsonReader(json, expectValid: false);
        }

        // Outside a string, any byte of 0x80 and above is not JSON.
        AssertSameAsUtf8JsonReader(Encoding.UTF8.GetBytes("[1,").Concat(bad).Concat("]"u8.ToArray()).ToArray(), expectValid: false);
    }

    [Fact]
    public void Every_control_character_in_a_string_is_rejected_alike()
    {
        for (var b = 0; b < 0x20; b++)
        {
            AssertSameAsUtf8JsonReader([(byte)'[', (byte)'"', (byte)'a', (byte)b, (byte)'"', (byte)']'], expectValid: false);
            // Past the vectorised part of the scan too.
            var longString = Encoding.UTF8.GetBytes("[\"" + new string('a', 40)).Append((byte)b).Concat("\"]"u8.ToArray()).ToArray();
            AssertSameAsUtf8JsonReader(longString, expectValid: false);
        }

        AssertSameAsUtf8JsonReader("[\"a\u007Fb\"]"u8.ToArray(), expectValid: true);
    }

    [Fact]
    public void Generated_and_mutated_documents_are_decided_alike()
    {
        var random = new Random(20261122);
        var accepted = 0;
        var rejected = 0;
        for (var document = 0; document < 6_000; document++)
        {
            var builder = new StringBuilder();
            WriteValue(builder, random, depth: 0, forceObject: true);
            var valid = Encoding.UTF8.GetBytes(builder.ToString());
            Count(Compare(valid));
            for (var mutation = 0; mutation < 5; mutation++)
            {
                Count(Compare(Mutate(valid, random)));
            }
        }

        // Both decisions are well represented, so the comparison covers both.
        Assert.True(accepted > 6_000, $"{accepted} accepted");
        Assert.True(rejected > 15_000, $"{rejected} rejected");

        void Count(bool isValid)
        {
            if (isValid)
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }
    }

    private static void AssertSameAsUtf8JsonReader(byte[] json, bool expectValid) =>
        Assert.Equal(expectValid, Compare(json));

    /// <summary>Both readers over the document; asserts they agree and returns whether it is valid.</summary>
    private static bool Compare(byte[] json)
    {
        var expected = WithUtf8JsonReader(json);
        var shown = Encoding.UTF8.GetString(json);
        foreach (var actual in new[] { WithJsonLineReader(json, walkObjects: false), WithJsonLineReader(json, walkObjects: true) })
        {
            AssertSame(expected, actual, shown);
        }

        return expected.Valid;
    }

    private static void AssertSame(Outcome expected, Outcome actual, string shown)
    {
        Assert.True(expected.Valid == actual.Valid, $"Utf8JsonReader {(expected.Valid ? "accepts" : "rejects")} but JsonLineReader {(actual.Valid ? "accepts" : "rejects: " + actual.Error)}: {shown}");
        if (expected.Valid)
        {
            Assert.True(expected.Tokens.SequenceEqual(actual.Tokens), $"tokens differ on {shown}:\n{string.Join("\n", expected.Tokens)}\n---\n{string.Join("\n", actual.Tokens)}");
        }
    }

    private sealed record Token(JsonTokenType Type, int Depth, long Start, long End, string Raw, string Text, bool Escaped, string Number);

    private sealed record Outcome(bool Valid, List<Token> Tokens, string Error);

    private static Outcome WithUtf8JsonReader(byte[] json)
    {
        var tokens = new List<Token>();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            while (reader.Read())
            {
                var isText = reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName;
                var text = isText ? reader.GetString()! : "";
                var number = reader.TokenType == JsonTokenType.Number ? NumberText(reader.TryGetInt64(out var l), l, reader.TryGetDouble(out var d), d) : "";
                tokens.Add(new Token(reader.TokenType, reader.CurrentDepth, reader.TokenStartIndex,
                    reader.TokenType == JsonTokenType.PropertyName ? -1 : reader.BytesConsumed,
                    Convert.ToHexString(reader.ValueSpan), text, isText && reader.ValueIsEscaped, number));
            }

            return new Outcome(true, tokens, "");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new Outcome(false, tokens, e.Message);
        }
    }

    /// <param name="walkObjects">Read containers as the parser does, with <see cref="JsonLineReader.ReadPropertyNameOrEndObject"/>,
    /// <see cref="JsonLineReader.ReadPropertyValue"/> and <see cref="JsonLineReader.ReadElementOrEndArray"/>, and the
    /// rest with Read.</param>
    private static Outcome WithJsonLineReader(byte[] json, bool walkObjects)
    {
        var tokens = new List<Token>();
        try
        {
            var reader = new JsonLineReader(json, new bool[MaxDepth], MaxDepth);
            if (walkObjects)
            {
                reader.Read();
                Record(ref reader, tokens);
                WalkValue(ref reader, tokens);
                while (reader.Read())
                {
                    Record(ref reader, tokens);
                }
            }
            else
            {
                while (reader.Read())
                {
                    Record(ref reader, tokens);
                }
            }

            return new Outcome(true, tokens, "");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or DecoderFallbackException)
        {
            return new Outcome(false, tokens, e.Message);
        }
    }

    /// <summary>The rest of the value whose first token is current (already recorded).</summary>
    private static void WalkValue(ref JsonLineReader reader, List<Token> tokens)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.ReadPropertyNameOrEndObject())
            {
                Record(ref reader, tokens);
                reader.ReadPropertyValue();
                Record(ref reader, tokens);
                WalkValue(ref reader, tokens);
            }

            Record(ref reader, tokens);
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.ReadElementOrEndArray())
            {
                Record(ref reader, tokens);
                WalkValue(ref reader, tokens);
            }

            Record(ref reader, tokens);
        }
    }

    private static void Record(ref JsonLineReader reader, List<Token> tokens)
    {
        var isText = reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName;
        var text = "";
        if (isText)
        {
            var utf8 = new byte[reader.ValueSpan.Length];
            var chars = new char[reader.ValueSpan.Length];
            text = Encoding.UTF8.GetString(utf8, 0, reader.CopyString(utf8));
            // Both copies agree.
            Assert.Equal(text, new string(chars, 0, reader.CopyString(chars)));
        }

        var number = reader.TokenType == JsonTokenType.Number ? NumberText(reader.TryGetInt64(out var l), l, reader.TryGetDouble(out var d), d) : "";
        tokens.Add(new Token(reader.TokenType, reader.CurrentDepth, reader.TokenStartIndex,
            reader.TokenType == JsonTokenType.PropertyName ? -1 : reader.BytesConsumed,
            Convert.ToHexString(reader.ValueSpan), text, isText && reader.ValueIsEscaped, number));
    }

    private static string NumberText(bool isInteger, long integer, bool isDouble, double real) =>
        (isInteger ? integer.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-") + "|"
        + (isDouble ? real.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "-");

    private static readonly string[] Numbers =
    [
        "0", "-0", "7", "42", "-13", "3.25", "-0.5", "1e5", "1E+5", "2e-3", "6.02E23", "1e400", "-1e400", "123456789012345678901234567890",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "0.000001", "1.7976931348623157e308",
    ];

    private static readonly string[] Pieces =
    [
        "a", "process", "C:\\Windows\\System32", "é", "日本", "😀", "\u007f", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\u0001", "\u001f",
        "x y z", "0123456789abcdef0123456789abcdef", "\ud83d\ude00",
    ];

    private static void WriteValue(StringBuilder builder, Random random, int depth, bool forceObject = false)
    {
        var kind = forceObject ? 0 : random.Next(depth >= MaxDepth + 1 ? 2 : 0, 8);
        switch (kind)
        {
            case 0:
                builder.Append('{');
                Space(builder, random);
                var members = random.Next(0, 6);
                for (var i = 0; i < members; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                        Space(builder, random);
                    }

                    WriteString(builder, random);
                    Space(builder, random);
                    builder.Append(':');
                    Space(builder, random);
                    WriteValue(builder, random, depth + 1);
                    Space(builder, random);
                }

                builder.Append('}');
                break;
            case 1:
                builder.Append('[');
                Space(builder, random);
                var elements = random.Next(0, 5);
                for (var i = 0; i < elements; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                        Space(builder, random);
                    }

                    WriteValue(builder, random, depth + 1);
                    Space(builder, random);
                }

                builder.Append(']');
                break;
            case 2 or 3 or 4:
                WriteString(builder, random);
                break;
            case 5:
                builder.Append(Numbers[random.Next(Numbers.Length)]);
                break;
            default:
                builder.Append(random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                break;
        }
    }

    private static void WriteString(StringBuilder builder, Random random)
    {
        builder.Append('"');
        var pieces = random.Next(0, 5);
        for (var i = 0; i < pieces; i++)
        {
            var piece = Pieces[random.Next(Pieces.Length)];
            foreach (var c in piece)
            {
                // Escape what must be escaped, in every form JSON allows, and sometimes what need not be.
                var mustEscape = c is '"' or '\\' || c < 0x20;
                if (mustEscape || random.Next(12) == 0)
                {
                    builder.Append(c switch
                    {
                        '"' when random.Next(2) == 0 => "\\\"",
                        '\\' when random.Next(2) == 0 => "\\\\",
                        '/' when random.Next(2) == 0 => "\\/",
                        '\n' when random.Next(2) == 0 => "\\n",
                        '\t' when random.Next(2) == 0 => "\\t",
                        _ => random.Next(2) == 0 ? $"\\u{(int)c:x4}" : $"\\u{(int)c:X4}",
                    });
                }
                else
                {
                    builder.Append(c);
                }
            }
        }

        builder.Append('"');
    }

    private static void Space(StringBuilder builder, Random random)
    {
        if (random.Next(4) == 0)
        {
            builder.Append(" \t\r\n"[random.Next(4)]);
        }
    }

    private static readonly byte[] Interesting =
        "\"\\{}[],:0123456789-+.eEu tfnrl/x \t\r\n"u8.ToArray().Concat(new byte[] { 0x00, 0x01, 0x1f, 0x7f, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF }).ToArray();

    private static byte[] Mutate(byte[] json, Random random)
    {
        var bytes = json.ToList();
        var edits = random.Next(1, 3);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes.RemoveAt(at);
                    break;
                case 1:
                    bytes.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 2:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    var length = random.Next(1, Math.Min(8, bytes.Count - at) + 1);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
            }
        }

        return bytes.ToArray();
    }
}
