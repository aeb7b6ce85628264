using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;

namespace Rules.Language.Kql
{
    /// <summary>
    /// A KQL parser that follows Kibana's PEG grammar (kbn-es-query/src/kuery/grammar/grammar.peggy) rule by rule,
    /// including its ordered choice and backtracking, so that it accepts and rejects the same queries and produces
    /// the same tree. Like peggy, a syntax error is reported at the furthest position any rule failed, with what
    /// was expected there. Never throws.
    /// </summary>
    public sealed class KqlParser
    {
        private const string Special = "\\():<>\"*{}";

        private readonly string _text;
        private int _pos;
        private int _failPos = -1;
        private int _silent;
        private readonly List<string> _expected = new List<string>();

        private KqlParser(string text)
        {
            _text = text;
        }

        /// <summary>Parses a query; the tree is null when there is a syntax error (DR4001 in the diagnostics).</summary>
        public static (KqlQuery? Query, IReadOnlyList<RuleDiagnostic> Diagnostics) Parse(QuerySource source)
        {
            var diagnostics = new List<RuleDiagnostic>();
            var query = Parse(source, diagnostics);
            return (query, diagnostics);
        }

        public static KqlQuery? Parse(QuerySource source, List<RuleDiagnostic> diagnostics)
        {
            var parser = new KqlParser(source.Query ?? "");
            KqlNode? root;
            try
            {
                root = parser.ParseStart();
            }
            catch (InsufficientExecutionStackException)
            {
                diagnostics.Add(source.Error(DiagnosticIds.KqlSyntax, 0, source.Query?.Length ?? 0, "The KQL query nests too deeply to compile; remove some levels of parentheses."));
                return null;
            }

            if (parser._pos == parser._text.Length)
            {
                return new KqlQuery(root);
            }

            diagnostics.Add(parser.SyntaxError(source));
            return null;
        }

        private RuleDiagnostic SyntaxError(QuerySource source)
        {
            var at = Math.Max(_failPos, _pos);
            var found = at >= _text.Length ? "end of input" : Quote(_text[at].ToString());
            var expected = new List<string>(_expected.Count);
            foreach (var item in _expected)
            {
                if (!expected.Contains(item))
                {
                    expected.Add(item);
                }
            }

            expected.Sort(StringComparer.Ordinal);
            string what;
            if (expected.Count == 0)
            {
                what = "end of input";
            }
            else if (expected.Count == 1)
            {
                what = expected[0];
            }
            else
            {
                what = string.Join(", ", expected.GetRange(0, expected.Count - 1)) + " or " + expected[expected.Count - 1];
            }

            var hint = at < _text.Length && (_text[at] == '\\' || Special.IndexOf(_text[at]) >= 0)
                ? " Quote the value or escape the character with a backslash."
                : "";
            return source.Error(
                DiagnosticIds.KqlSyntax,
                at,
                at < _text.Length ? 1 : 0,
                $"KQL syntax error: expected {what} but {found} found.{hint}");
        }

        private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t") + "\"";

        // ------------------------------------------------------------------ failure bookkeeping (as peggy)

        private void Expect(string description)
        {
            if (_silent > 0 || _pos < _failPos)
            {
                return;
            }

            if (_pos > _failPos)
            {
                _failPos = _pos;
                _expected.Clear();
            }

            _expected.Add(description);
        }

        private bool Char(char c, string description)
        {
            if (_pos < _text.Length && _text[_pos] == c)
            {
                _pos++;
                return true;
            }

            Expect(description);
            return false;
        }

        private static bool IsSpace(char c) => c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\u00A0';

        private bool Space()
        {
            if (_pos < _text.Length && IsSpace(_text[_pos]))
            {
                _pos++;
                return true;
            }

            Expect("whitespace");
            return false;
        }

        private void Spaces()
        {
            while (Space())
            {
            }
        }

        private bool MatchWordIgnoreCase(string word)
        {
            if (_pos + word.Length <= _text.Length && string.Compare(_text, _pos, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                _pos += word.Length;
                return true;
            }

            return false;
        }

        // Or = Space+ 'or'i Space+ ; And = Space+ 'and'i Space+ ; Not = 'not'i Space+ (named rules: one expectation each)
        private bool Keyword(string word, bool leadingSpace, string description)
        {
            var start = _pos;
            var ok = true;
            _silent++;
            if (leadingSpace)
            {
                ok = Space();
                if (ok)
                {
                    Spaces();
                }
            }

            ok = ok && MatchWordIgnoreCase(word) && Space();
            if (ok)
            {
                Spaces();
            }

            _silent--;
            if (ok)
            {
                return true;
            }

            // A named peggy rule reports itself, not its parts, at the position where it started.
            _pos = start;
            Expect(description);
            return false;
        }

        private bool Or() => Keyword("or", true, "OR");

        private bool And() => Keyword("and", true, "AND");

        private bool Not() => Keyword("not", false, "NOT");

        // Keyword lookahead inside unquoted literals: Space 'or'i Space / Space 'and'i Space / 'not'i Space.
        private bool KeywordAhead(int at)
        {
            bool WordAt(int p, string w) => p + w.Length <= _text.Length && string.Compare(_text, p, w, 0, w.Length, StringComparison.OrdinalIgnoreCase) == 0;
            bool SpaceAt(int p) => p < _text.Length && IsSpace(_text[p]);
            if (SpaceAt(at) && WordAt(at + 1, "or") && SpaceAt(at + 3))
            {
                return true;
            }

            if (SpaceAt(at) && WordAt(at + 1, "and") && SpaceAt(at + 4))
            {
                return true;
            }

            return WordAt(at, "not") && SpaceAt(at + 3);
        }

        // ------------------------------------------------------------------ rules

        // start = Space* query:OrQuery? trailing:OptionalSpace
        private KqlNode? ParseStart()
        {
            Spaces();
            var query = OrQuery();
            Spaces();
            if (_pos < _text.Length)
            {
                Expect("end of input");
            }

            return query;
        }

        private KqlNode? OrQuery() => Chain(AndQuery, Or, isOr: true);

        private KqlNode? AndQuery() => Chain(NotQuery, And, isOr: false);

        /// <summary>
        /// <c>operand (keyword operand)*</c>: one operand alone, or an OR / AND node over all of them. A keyword not
        /// followed by an operand is left unread, as the grammar's lookahead does.
        /// </summary>
        private KqlNode? Chain(Func<KqlNode?> operand, Func<bool> keyword, bool isOr)
        {
            var head = operand();
            if (head is null)
            {
                return null;
            }

            List<KqlNode>? nodes = null;
            while (true)
            {
                var save = _pos;
                if (!keyword())
                {
                    break;
                }

                var next = operand();
                if (next is null)
                {
                    _pos = save;
                    break;
                }

                (nodes ??= new List<KqlNode> { head }).Add(next);
            }

            if (nodes is null)
            {
                return head;
            }

            var last = nodes[nodes.Count - 1];
            var length = last.Start + last.Length - head.Start;
            return isOr ? new KqlOr(nodes.ToArray(), head.Start, length) : new KqlAnd(nodes.ToArray(), head.Start, length);
        }

        private KqlNode? NotQuery()
        {
            var start = _pos;
            if (Not())
            {
                var operand = SubQuery();
                if (operand is not null)
                {
                    return new KqlNot(operand, start, operand.Start + operand.Length - start);
                }

                _pos = start;
            }

            return SubQuery();
        }

        private KqlNode? SubQuery()
        {
            EnsureStack();
            var start = _pos;
            if (Char('(', "\"(\""))
            {
                Spaces();
                var query = OrQuery();
                if (query is not null)
                {
                    Spaces();
                    if (Char(')', "\")\""))
                    {
                        return query;
                    }
                }

                _pos = start;
            }

            return NestedQuery();
        }

        private KqlNode? NestedQuery()
        {
            var start = _pos;
            var field = Field();
            if (field is not null)
            {
                Spaces();
                if (Char(':', "\":\""))
                {
                    Spaces();
                    if (Char('{', "\"{\""))
                    {
                        Spaces();
                        var query = OrQuery();
                        if (query is not null)
                        {
                            Spaces();
                            if (Char('}', "\"}\""))
                            {
                                return new KqlNested(field, query, start, _pos - start);
                            }
                        }
                    }
                }
            }

            _pos = start;
            return Expression();
        }

        // Expression = FieldRangeExpression / FieldValueExpression / ValueExpression
        private KqlNode? Expression()
        {
            var start = _pos;
            var field = Field();
            if (field is not null)
            {
                Spaces();
                var op = RangeOperator();
                if (op is not null)
                {
                    Spaces();
                    var value = Literal();
                    if (value is not null)
                    {
                        return new KqlRange(field, op.Value, value, start, _pos - start);
                    }
                }

                _pos = start;
                field = Field();
                Spaces();
                if (Char(':', "\":\""))
                {
                    Spaces();
                    var list = ListOfValues(field!);
                    if (list is KqlIs direct && ReferenceEquals(direct.Field, field))
                    {
                        // field:value spans both; values of a list keep their own spans.
                        return direct with { Start = start, Length = direct.Value.Start + direct.Value.Length - start };
                    }

                    if (list is not null)
                    {
                        return list;
                    }
                }
            }

            _pos = start;
            return Value(null);
        }

        private KqlLiteral? Field() => NamedLiteral("fieldName");

        // Named peggy rules (Field "fieldName", Value "value", Literal "literal") silence their parts' failures and
        // report their own name at their start.
        private KqlLiteral? NamedLiteral(string name)
        {
            var start = _pos;
            _silent++;
            var literal = QuotedString() ?? UnquotedLiteral();
            _silent--;
            if (literal is null)
            {
                _pos = start;
                Expect(name);
            }

            return literal;
        }

        private KqlRangeOperator? RangeOperator()
        {
            if (_pos + 1 < _text.Length && _text[_pos + 1] == '=' && (_text[_pos] == '<' || _text[_pos] == '>'))
            {
                var op = _text[_pos] == '<' ? KqlRangeOperator.LessOrEqual : KqlRangeOperator.GreaterOrEqual;
                _pos += 2;
                return op;
            }

            if (_pos < _text.Length && (_text[_pos] == '<' || _text[_pos] == '>'))
            {
                return _text[_pos++] == '<' ? KqlRangeOperator.Less : KqlRangeOperator.Greater;
            }

            Expect("\"<=\"");
            Expect("\">=\"");
            Expect("\"<\"");
            Expect("\">\"");
            return null;
        }

        // ListOfValues = '(' Space* OrListOfValues OptionalSpace ')' / Value
        private KqlNode? ListOfValues(KqlLiteral field)
        {
            EnsureStack();
            var start = _pos;
            if (Char('(', "\"(\""))
            {
                Spaces();
                var list = OrListOfValues(field);
                if (list is not null)
                {
                    Spaces();
                    if (Char(')', "\")\""))
                    {
                        return list;
                    }
                }

                _pos = start;
            }

            return Value(field);
        }

        private KqlNode? OrListOfValues(KqlLiteral field) => Chain(() => AndListOfValues(field), Or, isOr: true);

        private KqlNode? AndListOfValues(KqlLiteral field) => Chain(() => NotListOfValues(field), And, isOr: false);

        private KqlNode? NotListOfValues(KqlLiteral field)
        {
            var start = _pos;
            if (Not())
            {
                var operand = ListOfValues(field);
                if (operand is not null)
                {
                    return new KqlNot(operand, start, operand.Start + operand.Length - start);
                }

                _pos = start;
            }

            return ListOfValues(field);
        }

        private KqlNode? Value(KqlLiteral? field)
        {
            var value = NamedLiteral("value");
            return value is null ? null : new KqlIs(field, value, value.Start, value.Length);
        }

        // Literal = QuotedString / UnquotedLiteral
        private KqlLiteral? Literal() => NamedLiteral("literal");

        private KqlLiteral? QuotedString()
        {
            var start = _pos;
            if (!Char('"', "\"\\\"\""))
            {
                return null;
            }

            var builder = new StringBuilder();
            while (_pos < _text.Length)
            {
                var c = _text[_pos];
                if (c == '"')
                {
                    _pos++;
                    return new KqlLiteral(KqlLiteralKind.String, new[] { builder.ToString() }, true, start, _pos - start);
                }

                if (c == '\\' && TryEscapedWhitespace(builder))
                {
                    continue;
                }

                if (c == '\\' && TryUnicodeEscape(builder))
                {
                    continue;
                }

                if (c == '\\' && _pos + 1 < _text.Length && (_text[_pos + 1] == '\\' || _text[_pos + 1] == '"'))
                {
                    builder.Append(_text[_pos + 1]);
                    _pos += 2;
                    continue;
                }

                // Any other backslash is an ordinary character inside quotes, as in Kibana.
                builder.Append(c);
                _pos++;
            }

            Expect("\"\\\"\"");
            _pos = start;
            return null;
        }

        private bool TryEscapedWhitespace(StringBuilder builder)
        {
            if (_pos + 1 >= _text.Length)
            {
                return false;
            }

            var replacement = _text[_pos + 1] switch
            {
                't' => '\t',
                'r' => '\r',
                'n' => '\n',
                _ => '\0',
            };
            if (replacement == '\0')
            {
                return false;
            }

            builder.Append(replacement);
            _pos += 2;
            return true;
        }

        private bool TryUnicodeEscape(StringBuilder builder)
        {
            if (_pos + 6 > _text.Length || _text[_pos + 1] != 'u')
            {
                return false;
            }

            for (var i = 2; i < 6; i++)
            {
                if (!Uri.IsHexDigit(_text[_pos + i]))
                {
                    return false;
                }
            }

            builder.Append((char)int.Parse(_text.Substring(_pos + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            _pos += 6;
            return true;
        }

        // UnquotedLiteral = UnquotedCharacter+ ; the joined sequence is trimmed, then null/true/false/wildcard decided.
        private KqlLiteral? UnquotedLiteral()
        {
            var start = _pos;
            var segments = new List<string>();
            var current = new StringBuilder();
            var count = 0;
            while (_pos < _text.Length)
            {
                var c = _text[_pos];
                if (c == '\\')
                {
                    if (TryEscapedWhitespace(current))
                    {
                        count++;
                        continue;
                    }

                    if (_pos + 1 < _text.Length && Special.IndexOf(_text[_pos + 1]) >= 0)
                    {
                        current.Append(_text[_pos + 1]);
                        _pos += 2;
                        count++;
                        continue;
                    }

                    if (TryUnicodeEscape(current))
                    {
                        count++;
                        continue;
                    }

                    var keywordStart = _pos + 1;
                    string? keyword = null;
                    foreach (var word in new[] { "or", "and", "not" })
                    {
                        if (keywordStart + word.Length <= _text.Length && string.Compare(_text, keywordStart, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0)
                        {
                            keyword = _text.Substring(keywordStart, word.Length);
                            break;
                        }
                    }

                    if (keyword is not null)
                    {
                        current.Append(keyword);
                        _pos += 1 + keyword.Length;
                        count++;
                        continue;
                    }

                    break;
                }

                if (c == '*')
                {
                    segments.Add(current.ToString());
                    current.Clear();
                    _pos++;
                    count++;
                    continue;
                }

                if (Special.IndexOf(c) >= 0 || KeywordAhead(_pos))
                {
                    break;
                }

                current.Append(c);
                _pos++;
                count++;
            }

            if (count == 0)
            {
                Expect("literal");
                return null;
            }

            segments.Add(current.ToString());

            // Kibana trims the joined sequence: leading space of the first segment, trailing space of the last.
            var isWildcard = segments.Count > 1;
            if (isWildcard)
            {
                segments[0] = segments[0].TrimStart();
                segments[segments.Count - 1] = segments[segments.Count - 1].TrimEnd();
            }
            else
            {
                segments[0] = segments[0].Trim();
            }

            var end = _pos;
            while (end > start && IsSpace(_text[end - 1]))
            {
                end--;
            }

            var kind = KqlLiteralKind.String;
            if (isWildcard)
            {
                kind = KqlLiteralKind.Wildcard;
            }
            else if (segments[0] == "null")
            {
                kind = KqlLiteralKind.Null;
            }
            else if (segments[0] == "true" || segments[0] == "false")
            {
                kind = KqlLiteralKind.Boolean;
            }

            return new KqlLiteral(kind, segments.ToArray(), false, start, end - start);
        }

        private static void EnsureStack() => System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
    }
}
