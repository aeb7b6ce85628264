using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Rules.Language.Dsl
{
    public enum JsonKind
    {
        Object,
        Array,
        String,
        Number,
        Boolean,
        Null,
    }

    /// <summary>A parsed JSON value. Numbers keep their source text, so that 1.0 and 1 stay distinct as Elasticsearch sees them.</summary>
    public sealed class JsonValue
    {
        private JsonValue(JsonKind kind, string? text, bool boolean, List<KeyValuePair<string, JsonValue>>? members, List<JsonValue>? items)
        {
            Kind = kind;
            Text = text;
            Boolean = boolean;
            Members = members ?? new List<KeyValuePair<string, JsonValue>>();
            Items = items ?? new List<JsonValue>();
        }

        public JsonKind Kind { get; }

        /// <summary>The string's value, or the number's source text.</summary>
        public string? Text { get; }

        public bool Boolean { get; }

        /// <summary>Object members in source order (duplicates kept; <see cref="Get"/> returns the last, as Jackson does).</summary>
        public List<KeyValuePair<string, JsonValue>> Members { get; }

        public List<JsonValue> Items { get; }

        public static JsonValue String(string value) => new JsonValue(JsonKind.String, value, false, null, null);

        public static JsonValue Number(string text) => new JsonValue(JsonKind.Number, text, false, null, null);

        public static JsonValue Bool(bool value) => new JsonValue(JsonKind.Boolean, value ? "true" : "false", value, null, null);

        public static JsonValue Null { get; } = new JsonValue(JsonKind.Null, null, false, null, null);

        public static JsonValue Object(List<KeyValuePair<string, JsonValue>> members) => new JsonValue(JsonKind.Object, null, false, members, null);

        public static JsonValue Array(List<JsonValue> items) => new JsonValue(JsonKind.Array, null, false, null, items);

        public JsonValue? Get(string key)
        {
            JsonValue? found = null;
            foreach (var member in Members)
            {
                if (member.Key == key)
                {
                    found = member.Value;
                }
            }

            return found;
        }

        /// <summary>A scalar as the text Elasticsearch would read for it (strings as is, numbers and booleans as written).</summary>
        public string? ScalarText => Kind == JsonKind.String || Kind == JsonKind.Number || Kind == JsonKind.Boolean ? Text : null;
    }

    /// <summary>A small strict JSON parser (RFC 8259) for Kibana filters; never throws, reports the offset of the first error.</summary>
    public sealed class JsonParser
    {
        private const int MaxDepth = 128;
        private readonly string _text;
        private int _pos;
        private string? _error;
        private int _errorPos;

        private JsonParser(string text)
        {
            _text = text;
        }

        public static bool TryParse(string text, out JsonValue? value, out string error, out int errorOffset)
        {
            var parser = new JsonParser(text ?? "");
            parser.SkipWhitespace();
            value = parser.ParseValue(0);
            if (value is not null)
            {
                parser.SkipWhitespace();
                if (parser._pos != parser._text.Length)
                {
                    parser.Fail("unexpected text after the JSON value");
                    value = null;
                }
            }

            error = parser._error ?? "";
            errorOffset = parser._errorPos;
            return value is not null;
        }

        private JsonValue? Fail(string message)
        {
            if (_error is null)
            {
                _error = message;
                _errorPos = _pos;
            }

            return null;
        }

        private void SkipWhitespace()
        {
            while (_pos < _text.Length && (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
            {
                _pos++;
            }
        }

        private JsonValue? ParseValue(int depth)
        {
            if (depth > MaxDepth)
            {
                return Fail("JSON nests too deeply");
            }

            if (_pos >= _text.Length)
            {
                return Fail("unexpected end of JSON");
            }

            var c = _text[_pos];
            switch (c)
            {
                case '{':
                    return ParseObject(depth);
                case '[':
                    return ParseArray(depth);
                case '"':
                    var s = ParseString();
                    return s is null ? null : JsonValue.String(s);
                case 't':
                    return Literal("true", JsonValue.Bool(true));
                case 'f':
                    return Literal("false", JsonValue.Bool(false));
                case 'n':
                    return Literal("null", JsonValue.Null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ParseNumber();
                    }

                    return Fail($"unexpected character '{c}'");
            }
        }

        private JsonValue? Literal(string word, JsonValue value)
        {
            if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0)
            {
                _pos += word.Length;
                return value;
            }

            return Fail($"expected '{word}'");
        }

        private JsonValue? ParseObject(int depth)
        {
            _pos++;
            var members = new List<KeyValuePair<string, JsonValue>>();
            SkipWhitespace();
            if (_pos < _text.Length && _text[_pos] == '}')
            {
                _pos++;
                return JsonValue.Object(members);
            }

            while (true)
            {
                SkipWhitespace();
                if (_pos >= _text.Length || _text[_pos] != '"')
                {
                    return Fail("expected a member name in double quotes");
                }

                var key = ParseString();
                if (key is null)
                {
                    return null;
                }

                SkipWhitespace();
                if (_pos >= _text.Length || _text[_pos] != ':')
                {
                    return Fail("expected ':' after the member name");
                }

                _pos++;
                SkipWhitespace();
                var value = ParseValue(depth + 1);
                if (value is null)
                {
                    return null;
                }

                members.Add(new KeyValuePair<string, JsonValue>(key, value));
                SkipWhitespace();
                if (_pos < _text.Length && _text[_pos] == ',')
                {
                    _pos++;
                    continue;
                }

                if (_pos < _text.Length && _text[_pos] == '}')
                {
                    _pos++;
                    return JsonValue.Object(members);
                }

                return Fail("expected ',' or '}' in the object");
            }
        }

        private JsonValue? ParseArray(int depth)
        {
            _pos++;
            var items = new List<JsonValue>();
            SkipWhitespace();
            if (_pos < _text.Length && _text[_pos] == ']')
            {
                _pos++;
                return JsonValue.Array(items);
            }

            while (true)
            {
                SkipWhitespace();
                var value = ParseValue(depth + 1);
                if (value is null)
                {
                    return null;
                }

                items.Add(value);
                SkipWhitespace();
                if (_pos < _text.Length && _text[_pos] == ',')
                {
                    _pos++;
                    continue;
                }

                if (_pos < _text.Length && _text[_pos] == ']')
                {
                    _pos++;
                    return JsonValue.Array(items);
                }

                return Fail("expected ',' or ']' in the array");
            }
        }

        private string? ParseString()
        {
            _pos++;
            var builder = new StringBuilder();
            while (_pos < _text.Length)
            {
                var c = _text[_pos];
                if (c == '"')
                {
                    _pos++;
                    return builder.ToString();
                }

                if (c < 0x20)
                {
                    Fail("control character in a string");
                    return null;
                }

                if (c != '\\')
                {
                    builder.Append(c);
                    _pos++;
                    continue;
                }

                if (_pos + 1 >= _text.Length)
                {
                    break;
                }

                var e = _text[_pos + 1];
                _pos += 2;
                switch (e)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (_pos + 4 > _text.Length || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                        {
                            Fail("invalid \\u escape");
                            return null;
                        }

                        builder.Append((char)code);
                        _pos += 4;
                        break;
                    default:
                        _pos -= 2;
                        Fail($"invalid escape '\\{e}'");
                        return null;
                }
            }

            Fail("unterminated string");
            return null;
        }

        private JsonValue? ParseNumber()
        {
            var start = _pos;
            if (_text[_pos] == '-')
            {
                _pos++;
            }

            if (_pos < _text.Length && _text[_pos] == '0')
            {
                _pos++;
            }
            else if (!Digits())
            {
                return Fail("invalid number");
            }

            if (_pos < _text.Length && _text[_pos] == '.')
            {
                _pos++;
                if (!Digits())
                {
                    return Fail("invalid number");
                }
            }

            if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
            {
                _pos++;
                if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-'))
                {
                    _pos++;
                }

                if (!Digits())
                {
                    return Fail("invalid number");
                }
            }

            return JsonValue.Number(_text.Substring(start, _pos - start));
        }

        private bool Digits()
        {
            var start = _pos;
            while (_pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '9')
            {
                _pos++;
            }

            return _pos > start;
        }
    }
}
