using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Rules.Language.Eql
{
    /// <summary>
    /// Translates a Lucene regular expression (the syntax of Elasticsearch's regexp query, which EQL's
    /// <c>regex</c>/<c>regex~</c> use; docs/reference/query-languages/query-dsl/regexp-syntax.md) into an equivalent
    /// .NET pattern at build time. The output is anchored (<c>\A(?:...)\z</c>: Lucene regexps always match the whole
    /// value), uses only constructs RegexOptions.NonBacktracking supports (no backreferences, lookarounds or atomic
    /// groups; every group non-capturing), and spells character classes out in ASCII so that .NET's Unicode-aware
    /// <c>\d \w \s</c> and <c>.</c>-excludes-newline rules do not change the meaning.
    /// Lucene operators with no NonBacktracking equivalent (intersection <c>&amp;</c>) are rejected.
    /// Lucene 10 (Elasticsearch 9) no longer enables the deprecated complement operator in the default flags, so
    /// <c>~</c> is a literal character.
    /// </summary>
    public static class LuceneRegex
    {
        private const int MaxIntervalValues = 1000;

        /// <summary>The .NET pattern, or null and a message naming the problem.</summary>
        public static string? Translate(string lucene, out string? error)
        {
            var parser = new Parser(lucene);
            var body = parser.ParseUnion();
            if (parser.Error is null && parser.More)
            {
                parser.Fail($"unexpected '{lucene[parser.Position]}' at position {parser.Position} (an unbalanced ')'?)");
            }

            error = parser.Error;
            return error is null ? @"\A(?:" + body + @")\z" : null;
        }

        private sealed class Parser
        {
            private readonly string _text;

            public Parser(string text) => _text = text;

            public int Position { get; private set; }

            public string? Error { get; private set; }

            public bool More => Position < _text.Length;

            public void Fail(string message)
            {
                Error ??= message;
                Position = _text.Length;
            }

            private bool Peek(string chars) => More && chars.IndexOf(_text[Position]) >= 0;

            private bool Match(char c)
            {
                if (More && _text[Position] == c)
                {
                    Position++;
                    return true;
                }

                return false;
            }

            public string ParseUnion()
            {
                var builder = new StringBuilder(ParseIntersection());
                while (Error is null && Match('|'))
                {
                    builder.Append('|').Append(ParseIntersection());
                }

                return builder.ToString();
            }

            private string ParseIntersection()
            {
                var left = ParseConcat();
                if (Error is null && Peek("&"))
                {
                    Fail($"the intersection operator '&' (position {Position}) cannot be translated to a non-backtracking regex; escape it as \\& to match a literal '&'");
                }

                return left;
            }

            private string ParseConcat()
            {
                var builder = new StringBuilder();
                while (Error is null && More && !Peek(")|&"))
                {
                    builder.Append(ParseRepeat());
                }

                return builder.ToString();
            }

            private string ParseRepeat()
            {
                var atom = ParseCharClassOrSimple();
                while (Error is null && Peek("?*+{"))
                {
                    var c = _text[Position++];
                    if (c != '{')
                    {
                        atom = "(?:" + atom + ")" + c;
                        continue;
                    }

                    var start = Position;
                    var min = ReadInt();
                    if (min < 0)
                    {
                        Fail($"integer expected after '{{' at position {start}");
                        return atom;
                    }

                    string quantifier;
                    if (Match(','))
                    {
                        var max = Peek("0123456789") ? ReadInt() : -1;
                        if (max >= 0 && max < min)
                        {
                            Fail($"repetition {{{min},{max}}} has a maximum below its minimum");
                            return atom;
                        }

                        quantifier = max >= 0 ? "{" + min + "," + max + "}" : "{" + min + ",}";
                    }
                    else
                    {
                        quantifier = "{" + min + "}";
                    }

                    if (!Match('}'))
                    {
                        Fail($"expected '}}' to close the repetition at position {Position}");
                        return atom;
                    }

                    atom = "(?:" + atom + ")" + quantifier;
                }

                return atom;
            }

            private int ReadInt()
            {
                var start = Position;
                while (More && _text[Position] >= '0' && _text[Position] <= '9')
                {
                    Position++;
                }

                if (start == Position || Position - start > 9)
                {
                    return -1;
                }

                return int.Parse(_text.Substring(start, Position - start), CultureInfo.InvariantCulture);
            }

            private string ParseCharClassOrSimple()
            {
                if (!Match('['))
                {
                    return ParseSimple();
                }

                var negate = Match('^');
                var builder = new StringBuilder(negate ? "[^" : "[");
                // The first member is read unconditionally, so "[]a]" holds ']' and 'a', as in Lucene.
                do
                {
                    if (!More)
                    {
                        Fail("expected ']' to close the character class");
                        return string.Empty;
                    }

                    if (TryPredefinedClass(out var predefinedInClass, inClass: true))
                    {
                        builder.Append(predefinedInClass);
                        continue;
                    }

                    var low = ReadCharExp();
                    if (Error != null)
                    {
                        return string.Empty;
                    }

                    if (More && _text[Position] == '-' && Position + 1 < _text.Length && _text[Position + 1] != ']')
                    {
                        Position++;
                        var high = ReadCharExp();
                        if (high < low)
                        {
                            Fail($"invalid character range {char.ConvertFromUtf32(low)}-{char.ConvertFromUtf32(high)}");
                            return string.Empty;
                        }

                        builder.Append(ClassChar(low)).Append('-').Append(ClassChar(high));
                    }
                    else
                    {
                        builder.Append(ClassChar(low));
                    }
                }
                while (Error is null && More && !Peek("]"));

                if (!Match(']'))
                {
                    Fail("expected ']' to close the character class");
                    return string.Empty;
                }

                return builder.Append(']').ToString();
            }

            private string ParseSimple()
            {
                if (Match('.'))
                {
                    return @"[\s\S]";
                }

                if (Match('#'))
                {
                    return @"[^\s\S]";
                }

                if (Match('@'))
                {
                    return @"[\s\S]*";
                }

                if (Match('"'))
                {
                    var end = _text.IndexOf('"', Position);
                    if (end < 0)
                    {
                        Fail("expected '\"' to close the quoted literal");
                        return string.Empty;
                    }

                    var builder = new StringBuilder("(?:");
                    var literal = _text.Substring(Position, end - Position);
                    for (var i = 0; i < literal.Length; i++)
                    {
                        var code = char.ConvertToUtf32(literal, i);
                        if (code > 0xFFFF)
                        {
                            i++;
                        }

                        builder.Append(LiteralChar(code));
                    }

                    Position = end + 1;
                    return builder.Append(')').ToString();
                }

                if (Match('('))
                {
                    if (Match(')'))
                    {
                        return string.Empty;
                    }

                    var inner = ParseUnion();
                    if (!Match(')'))
                    {
                        Fail("expected ')' to close the group");
                        return string.Empty;
                    }

                    return "(?:" + inner + ")";
                }

                if (Match('<'))
                {
                    return ParseInterval();
                }

                if (TryPredefinedClass(out var predefined, inClass: false))
                {
                    return predefined;
                }

                var c = ReadCharExp();
                return Error is null ? LiteralChar(c) : string.Empty;
            }

            private string ParseInterval()
            {
                var start = Position - 1;
                var lowStart = Position;
                while (More && char.IsDigit(_text[Position]))
                {
                    Position++;
                }

                var lowText = _text.Substring(lowStart, Position - lowStart);
                if (lowText.Length == 0 || !Match('-'))
                {
                    Fail($"interval syntax error at position {start}: write <min-max>, e.g. <1-100>, or escape '<' as \\<");
                    return string.Empty;
                }

                var highStart = Position;
                while (More && char.IsDigit(_text[Position]))
                {
                    Position++;
                }

                var highText = _text.Substring(highStart, Position - highStart);
                if (highText.Length == 0 || !Match('>'))
                {
                    Fail($"interval syntax error at position {start}: write <min-max>, e.g. <1-100>, or escape '<' as \\<");
                    return string.Empty;
                }

                if (!long.TryParse(lowText, NumberStyles.None, CultureInfo.InvariantCulture, out var low) ||
                    !long.TryParse(highText, NumberStyles.None, CultureInfo.InvariantCulture, out var high))
                {
                    Fail($"interval <{lowText}-{highText}> is too large");
                    return string.Empty;
                }

                if (low > high)
                {
                    (low, high) = (high, low);
                }

                if (high - low >= MaxIntervalValues)
                {
                    Fail($"interval <{lowText}-{highText}> spans more than {MaxIntervalValues} values; write a narrower pattern such as [0-9]{{1,4}}");
                    return string.Empty;
                }

                // Lucene (Automata.makeDecimalInterval): equal-length bounds fix the width (zero-padded);
                // otherwise any number of leading zeros is accepted.
                var width = lowText.Length == highText.Length ? lowText.Length : 0;
                var builder = new StringBuilder(width == 0 ? "(?:0*(?:" : "(?:");
                for (var value = low; value <= high; value++)
                {
                    if (value != low)
                    {
                        builder.Append('|');
                    }

                    builder.Append(width > 0 ? value.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0') : value.ToString(CultureInfo.InvariantCulture));
                }

                return builder.Append(width == 0 ? "))" : ")").ToString();
            }

            private bool TryPredefinedClass(out string translated, bool inClass)
            {
                translated = string.Empty;
                if (Position + 1 >= _text.Length || _text[Position] != '\\')
                {
                    return false;
                }

                string? set = _text[Position + 1] switch
                {
                    'd' => "0-9",
                    'w' => "a-zA-Z0-9_",
                    's' => @" \t\n\x0B\f\r",
                    _ => null,
                };
                string? negated = _text[Position + 1] switch
                {
                    'D' => "0-9",
                    'W' => "a-zA-Z0-9_",
                    'S' => @" \t\n\x0B\f\r",
                    _ => null,
                };
                if (set is null && negated is null)
                {
                    return false;
                }

                if (negated != null && inClass)
                {
                    Fail($"the negated class \\{_text[Position + 1]} inside [...] cannot be translated; list the characters instead");
                    return true;
                }

                Position += 2;
                translated = set != null ? (inClass ? set : "[" + set + "]") : "[^" + negated + "]";
                return true;
            }

            private int ReadCharExp()
            {
                if (!More)
                {
                    Fail("unexpected end of pattern");
                    return 0;
                }

                if (_text[Position] == '\\')
                {
                    Position++;
                    if (!More)
                    {
                        Fail("the pattern ends with a lone backslash; escape it as \\\\");
                        return 0;
                    }
                }

                var code = char.ConvertToUtf32(_text, Position);
                Position += code > 0xFFFF ? 2 : 1;
                return code;
            }

            private static string LiteralChar(int code)
            {
                if (code > 0xFFFF)
                {
                    return "(?:" + char.ConvertFromUtf32(code) + ")";
                }

                var c = (char)code;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
                {
                    return c.ToString();
                }

                if (c < 0x20 || c == 0x7F || c > 0x7E)
                {
                    return @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
                }

                return c == ' ' ? " " : @"\" + c;
            }

            private string ClassChar(int code)
            {
                if (code > 0xFFFF)
                {
                    Fail("characters outside the Basic Multilingual Plane cannot be used in a character class");
                    return string.Empty;
                }

                var c = (char)code;
                if (c == '\\' || c == ']' || c == '[' || c == '^' || c == '-')
                {
                    return @"\" + c;
                }

                if (c < 0x20 || c == 0x7F || c > 0x7E)
                {
                    return @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
                }

                return c.ToString();
            }
        }
    }
}
