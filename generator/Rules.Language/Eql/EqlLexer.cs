using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Rules.Language.Eql
{
    public enum EqlTokenKind
    {
        EndOfInput,
        Identifier,
        QuotedIdentifier,
        TildeIdentifier,
        String,
        Integer,
        Decimal,

        // keywords (lowercase only, as Elasticsearch's EqlBase.g4 defines them)
        And,
        Any,
        By,
        False,
        In,
        InInsensitive,
        Join,
        Like,
        LikeInsensitive,
        Maxspan,
        Not,
        Null,
        Of,
        Or,
        Regex,
        RegexInsensitive,
        Sample,
        Sequence,
        True,
        Until,
        Where,
        With,

        // operators and punctuation
        Colon,
        Assign,
        Equal,
        NotEqual,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        Plus,
        Minus,
        Asterisk,
        Slash,
        Percent,
        Dot,
        Comma,
        LeftBracket,
        RightBracket,
        LeftParen,
        RightParen,
        Pipe,
        Optional,
        MissingEventOpen,
    }

    /// <summary>One token of an EQL query. <see cref="Value"/> is the unescaped string, the identifier name
    /// (backquotes removed) or the number text.</summary>
    public readonly struct EqlToken
    {
        public EqlToken(EqlTokenKind kind, int start, int length, string value)
        {
            Kind = kind;
            Start = start;
            Length = length;
            Value = value;
        }

        public EqlTokenKind Kind { get; }

        public int Start { get; }

        public int Length { get; }

        public int End => Start + Length;

        public string Value { get; }

        public override string ToString() => $"{Kind} '{Value}' @{Start}";
    }

    /// <summary>A lexing error: the position and message of the first character that cannot start a token.</summary>
    public sealed class EqlLexError
    {
        public EqlLexError(int start, int length, string message)
        {
            Start = start;
            Length = length;
            Message = message;
        }

        public int Start { get; }

        public int Length { get; }

        public string Message { get; }
    }

    /// <summary>
    /// Splits EQL text into tokens following Elasticsearch's lexer (x-pack/plugin/eql/src/main/antlr/EqlBase.g4):
    /// longest match wins, a keyword wins a tie with an identifier, whitespace and comments are skipped.
    /// </summary>
    public static class EqlLexer
    {
        private static readonly Dictionary<string, EqlTokenKind> Keywords = new Dictionary<string, EqlTokenKind>
        {
            ["and"] = EqlTokenKind.And,
            ["any"] = EqlTokenKind.Any,
            ["by"] = EqlTokenKind.By,
            ["false"] = EqlTokenKind.False,
            ["in"] = EqlTokenKind.In,
            ["join"] = EqlTokenKind.Join,
            ["like"] = EqlTokenKind.Like,
            ["maxspan"] = EqlTokenKind.Maxspan,
            ["not"] = EqlTokenKind.Not,
            ["null"] = EqlTokenKind.Null,
            ["of"] = EqlTokenKind.Of,
            ["or"] = EqlTokenKind.Or,
            ["regex"] = EqlTokenKind.Regex,
            ["sample"] = EqlTokenKind.Sample,
            ["sequence"] = EqlTokenKind.Sequence,
            ["true"] = EqlTokenKind.True,
            ["until"] = EqlTokenKind.Until,
            ["where"] = EqlTokenKind.Where,
            ["with"] = EqlTokenKind.With,
        };

        private static readonly Dictionary<string, EqlTokenKind> TildeKeywords = new Dictionary<string, EqlTokenKind>
        {
            ["in~"] = EqlTokenKind.InInsensitive,
            ["like~"] = EqlTokenKind.LikeInsensitive,
            ["regex~"] = EqlTokenKind.RegexInsensitive,
        };

        public static bool IsKeyword(string word) => Keywords.ContainsKey(word);

        /// <summary>The tokens (ending with <see cref="EqlTokenKind.EndOfInput"/>), or null and the error.</summary>
        public static List<EqlToken>? Tokenize(string text, out EqlLexError? error)
        {
            var tokens = new List<EqlToken>();
            var i = 0;
            error = null;
            while (true)
            {
                if (!SkipTrivia(text, ref i, out error))
                {
                    return null;
                }

                if (i >= text.Length)
                {
                    tokens.Add(new EqlToken(EqlTokenKind.EndOfInput, text.Length, 0, string.Empty));
                    return tokens;
                }

                var token = Next(text, i, out error);
                if (error != null)
                {
                    return null;
                }

                tokens.Add(token);
                i = token.End;
            }
        }

        private static bool SkipTrivia(string text, ref int i, out EqlLexError? error)
        {
            error = null;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                {
                    i++;
                }
                else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
                {
                    while (i < text.Length && text[i] != '\n' && text[i] != '\r')
                    {
                        i++;
                    }
                }
                else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
                {
                    // Bracketed comments nest, as in the grammar's recursive BRACKETED_COMMENT rule.
                    var start = i;
                    var depth = 0;
                    while (i < text.Length)
                    {
                        if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
                        {
                            depth++;
                            i += 2;
                        }
                        else if (text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/')
                        {
                            depth--;
                            i += 2;
                            if (depth == 0)
                            {
                                break;
                            }
                        }
                        else
                        {
                            i++;
                        }
                    }

                    if (depth != 0)
                    {
                        error = new EqlLexError(start, 2, "Unterminated comment: '/*' has no matching '*/'. Close the comment with '*/'.");
                        return false;
                    }
                }
                else
                {
                    break;
                }
            }

            return true;
        }

        private static EqlToken Next(string text, int i, out EqlLexError? error)
        {
            error = null;
            var c = text[i];
            char Peek(int offset) => i + offset < text.Length ? text[i + offset] : '\0';

            switch (c)
            {
                case ':': return new EqlToken(EqlTokenKind.Colon, i, 1, ":");
                case '=':
                    return Peek(1) == '='
                        ? new EqlToken(EqlTokenKind.Equal, i, 2, "==")
                        : new EqlToken(EqlTokenKind.Assign, i, 1, "=");
                case '!':
                    if (Peek(1) == '=')
                    {
                        return new EqlToken(EqlTokenKind.NotEqual, i, 2, "!=");
                    }

                    if (Peek(1) == '[')
                    {
                        return new EqlToken(EqlTokenKind.MissingEventOpen, i, 2, "![");
                    }

                    error = new EqlLexError(i, 1, "Unexpected character '!': use '!=' for not-equal, 'not' for negation, or '![' for a missing-event stage.");
                    return default;
                case '<':
                    return Peek(1) == '='
                        ? new EqlToken(EqlTokenKind.LessOrEqual, i, 2, "<=")
                        : new EqlToken(EqlTokenKind.Less, i, 1, "<");
                case '>':
                    return Peek(1) == '='
                        ? new EqlToken(EqlTokenKind.GreaterOrEqual, i, 2, ">=")
                        : new EqlToken(EqlTokenKind.Greater, i, 1, ">");
                case '+': return new EqlToken(EqlTokenKind.Plus, i, 1, "+");
                case '-': return new EqlToken(EqlTokenKind.Minus, i, 1, "-");
                case '*': return new EqlToken(EqlTokenKind.Asterisk, i, 1, "*");
                case '/': return new EqlToken(EqlTokenKind.Slash, i, 1, "/");
                case '%': return new EqlToken(EqlTokenKind.Percent, i, 1, "%");
                case ',': return new EqlToken(EqlTokenKind.Comma, i, 1, ",");
                case '[': return new EqlToken(EqlTokenKind.LeftBracket, i, 1, "[");
                case ']': return new EqlToken(EqlTokenKind.RightBracket, i, 1, "]");
                case '(': return new EqlToken(EqlTokenKind.LeftParen, i, 1, "(");
                case ')': return new EqlToken(EqlTokenKind.RightParen, i, 1, ")");
                case '|': return new EqlToken(EqlTokenKind.Pipe, i, 1, "|");
                case '"': return LexString(text, i, out error);
                case '\'':
                    return LexOldStyleString(text, i, 1, "Use double quotes [\"] to define string literals, not single quotes [']", out error);
                case '?':
                    if (Peek(1) == '"' || Peek(1) == '\'')
                    {
                        return LexOldStyleString(text, i, 2, "Use triple double quotes [\"\"\"] to define unescaped string literals, not [?" + Peek(1) + "]", out error);
                    }

                    return new EqlToken(EqlTokenKind.Optional, i, 1, "?");
                case '`': return LexQuotedIdentifier(text, i, out error);
                case '.':
                    if (IsDigit(Peek(1)))
                    {
                        return LexNumber(text, i);
                    }

                    return new EqlToken(EqlTokenKind.Dot, i, 1, ".");
            }

            if (IsDigit(c))
            {
                return LexNumber(text, i);
            }

            if (IsLetter(c) || c == '_' || c == '@')
            {
                var end = i + 1;
                while (end < text.Length && (IsLetter(text[end]) || IsDigit(text[end]) || text[end] == '_'))
                {
                    end++;
                }

                var word = text.Substring(i, end - i);
                // TILDE_IDENTIFIER starts with a letter; in~, like~ and regex~ are keywords that win the tie.
                if (end < text.Length && text[end] == '~' && IsLetter(c))
                {
                    var tilde = word + "~";
                    return TildeKeywords.TryGetValue(tilde, out var tildeKind)
                        ? new EqlToken(tildeKind, i, end + 1 - i, tilde)
                        : new EqlToken(EqlTokenKind.TildeIdentifier, i, end + 1 - i, word);
                }

                return Keywords.TryGetValue(word, out var kind)
                    ? new EqlToken(kind, i, end - i, word)
                    : new EqlToken(EqlTokenKind.Identifier, i, end - i, word);
            }

            error = new EqlLexError(i, 1, $"Unexpected character '{c}'. Field names with special characters must be escaped with backquotes, e.g. `my-field`.");
            return default;
        }

        private static EqlToken LexNumber(string text, int i)
        {
            var start = i;
            var isDecimal = false;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            if (i < text.Length && text[i] == '.')
            {
                // "1." is a decimal (DIGIT+ DOT DIGIT*); a dot that starts ".5" was handled by the caller.
                isDecimal = true;
                i++;
                while (i < text.Length && IsDigit(text[i]))
                {
                    i++;
                }
            }

            if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
            {
                var j = i + 1;
                if (j < text.Length && (text[j] == '+' || text[j] == '-'))
                {
                    j++;
                }

                if (j < text.Length && IsDigit(text[j]))
                {
                    while (j < text.Length && IsDigit(text[j]))
                    {
                        j++;
                    }

                    isDecimal = true;
                    i = j;
                }
            }

            return new EqlToken(isDecimal ? EqlTokenKind.Decimal : EqlTokenKind.Integer, start, i - start, text.Substring(start, i - start));
        }

        private static EqlToken LexQuotedIdentifier(string text, int i, out EqlLexError? error)
        {
            error = null;
            var builder = new StringBuilder();
            var j = i + 1;
            while (j < text.Length)
            {
                if (text[j] == '`')
                {
                    if (j + 1 < text.Length && text[j + 1] == '`')
                    {
                        builder.Append('`');
                        j += 2;
                        continue;
                    }

                    return new EqlToken(EqlTokenKind.QuotedIdentifier, i, j + 1 - i, builder.ToString());
                }

                builder.Append(text[j]);
                j++;
            }

            error = new EqlLexError(i, text.Length - i, "Unterminated quoted field name: add the closing backquote (`).");
            return default;
        }

        private static EqlToken LexString(string text, int i, out EqlLexError? error)
        {
            error = null;
            if (i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"')
            {
                // Raw string: """ ... """ with up to two extra closing quotes belonging to the content
                // ('"""' (~[\r\n])*? '"""' '"'? '"'?). The lazy body stops at the first """.
                var bodyStart = i + 3;
                var close = text.IndexOf("\"\"\"", bodyStart, System.StringComparison.Ordinal);
                var newline = text.IndexOfAny(new[] { '\r', '\n' }, bodyStart);
                if (close < 0 || (newline >= 0 && newline < close))
                {
                    error = new EqlLexError(i, 3, "Unterminated raw string: a \"\"\" string must close with \"\"\" on the same line.");
                    return default;
                }

                var end = close + 3;
                var extra = 0;
                while (extra < 2 && end < text.Length && text[end] == '"')
                {
                    end++;
                    extra++;
                }

                // The extra quotes are part of the value: """a"""" is a" (the closing """ is the last three).
                var value = text.Substring(bodyStart, end - 3 - bodyStart);
                return new EqlToken(EqlTokenKind.String, i, end - i, value);
            }

            var builder = new StringBuilder();
            var j = i + 1;
            while (j < text.Length)
            {
                var c = text[j];
                if (c == '"')
                {
                    return new EqlToken(EqlTokenKind.String, i, j + 1 - i, builder.ToString());
                }

                if (c == '\r' || c == '\n')
                {
                    break;
                }

                if (c == '\\')
                {
                    if (j + 1 >= text.Length)
                    {
                        break;
                    }

                    var e = text[j + 1];
                    switch (e)
                    {
                        case 'b': builder.Append('\b'); j += 2; continue;
                        case 't': builder.Append('\t'); j += 2; continue;
                        case 'n': builder.Append('\n'); j += 2; continue;
                        case 'f': builder.Append('\f'); j += 2; continue;
                        case 'r': builder.Append('\r'); j += 2; continue;
                        case '"': builder.Append('"'); j += 2; continue;
                        case '\\': builder.Append('\\'); j += 2; continue;
                        case '\'':
                            // STRING_ESCAPE allows \' and Elasticsearch unescapes it to ' (the corpus relies on it,
                            // e.g. execution_windows_powershell_susp_args.toml), although the docs discourage it.
                            builder.Append('\''); j += 2; continue;
                        case 'u':
                            if (TryUnicodeEscape(text, j, builder, out var next, out error))
                            {
                                j = next;
                                continue;
                            }

                            return default;
                        default:
                            error = new EqlLexError(j, 2, $"Invalid escape sequence '\\{e}' in a string. Valid escapes: \\\\ \\\" \\n \\r \\t \\b \\f \\u{{hex}}; for a literal backslash write \\\\ or use a raw \"\"\"string\"\"\".");
                            return default;
                    }
                }

                builder.Append(c);
                j++;
            }

            error = new EqlLexError(i, j - i, "Unterminated string: add the closing double quote (\") on the same line.");
            return default;
        }

        private static bool TryUnicodeEscape(string text, int backslash, StringBuilder builder, out int next, out EqlLexError? error)
        {
            next = backslash;
            error = null;
            var open = backslash + 2;
            if (open >= text.Length || text[open] != '{')
            {
                error = new EqlLexError(backslash, 2, "Invalid unicode escape: write \\u{XXXX} with 2 to 8 hexadecimal digits in braces.");
                return false;
            }

            var j = open + 1;
            while (j < text.Length && IsHex(text[j]))
            {
                j++;
            }

            var digits = j - open - 1;
            if (j >= text.Length || text[j] != '}')
            {
                error = new EqlLexError(backslash, j - backslash, "Invalid unicode escape: write \\u{XXXX} with 2 to 8 hexadecimal digits in braces.");
                return false;
            }

            if (digits < 2 || digits > 8)
            {
                error = new EqlLexError(backslash, j + 1 - backslash, $"Unicode escape sequence must have 2 to 8 hexadecimal digits, found {digits}.");
                return false;
            }

            var code = long.Parse(text.Substring(open + 1, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            {
                error = new EqlLexError(backslash, j + 1 - backslash, $"Invalid unicode code point U+{code:X}: it must be at most 10FFFF and not a surrogate.");
                return false;
            }

            builder.Append(char.ConvertFromUtf32((int)code));
            next = j + 1;
            return true;
        }

        private static EqlToken LexOldStyleString(string text, int i, int prefix, string message, out EqlLexError? error)
        {
            var quote = text[i + prefix - 1];
            var j = i + prefix;
            while (j < text.Length && text[j] != quote && text[j] != '\n' && text[j] != '\r')
            {
                j += text[j] == '\\' && j + 1 < text.Length ? 2 : 1;
            }

            var end = j < text.Length && text[j] == quote ? j + 1 : j;
            error = new EqlLexError(i, end - i, message + ".");
            return default;
        }

        private static bool IsDigit(char c) => c >= '0' && c <= '9';

        private static bool IsLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        private static bool IsHex(char c) => IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
