using System;
using System.Collections.Generic;
using System.Globalization;
using Rules.Language.Binding;
using Rules.Language.Diagnostics;
using Rules.Language.Text;

namespace Rules.Language.Eql
{
    /// <summary>The result of parsing: the tree (null on a syntax error) and the diagnostics.</summary>
    public sealed class EqlParseResult
    {
        public EqlParseResult(EqlQuery? query, IReadOnlyList<RuleDiagnostic> diagnostics)
        {
            Query = query;
            Diagnostics = diagnostics;
        }

        public EqlQuery? Query { get; }

        public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

        public void Deconstruct(out EqlQuery? query, out IReadOnlyList<RuleDiagnostic> diagnostics)
        {
            query = Query;
            diagnostics = Diagnostics;
        }
    }

    /// <summary>
    /// A recursive-descent parser for the EQL grammar of Elasticsearch (EqlBase.g4): event queries, sequences,
    /// samples, joins, pipes. It stops at the first syntax error and reports it as DR3001 at the offending token.
    /// It never throws for bad input.
    /// </summary>
    public sealed class EqlParser
    {
        private readonly List<EqlToken> _tokens;
        private readonly string _text;
        private int _position;
        private int _depth;

        private EqlParser(List<EqlToken> tokens, string text)
        {
            _tokens = tokens;
            _text = text;
        }

        public static EqlParseResult Parse(QuerySource source)
        {
            var diagnostics = new List<RuleDiagnostic>();
            var text = source.Query ?? string.Empty;
            var tokens = EqlLexer.Tokenize(text, out var lexError);
            if (tokens is null)
            {
                var error = lexError!;
                diagnostics.Add(source.Error(DiagnosticIds.EqlSyntax, error.Start, Math.Max(1, error.Length), error.Message));
                return new EqlParseResult(null, diagnostics);
            }

            var parser = new EqlParser(tokens, text);
            try
            {
                var query = parser.ParseStatement();
                return new EqlParseResult(query, diagnostics);
            }
            catch (SyntaxError error)
            {
                diagnostics.Add(source.Error(DiagnosticIds.EqlSyntax, error.Start, error.Length, error.Message));
                return new EqlParseResult(null, diagnostics);
            }
        }

        /// <summary>Parses a query string with no rule file around it.</summary>
        public static EqlParseResult Parse(string query) => Parse(QuerySource.ForText(query));

        // ---------------------------------------------------------------- statement

        private EqlQuery ParseStatement()
        {
            if (Current.Kind == EqlTokenKind.EndOfInput)
            {
                throw Error(Current, "The query is empty: write an event query such as 'process where true', a sequence or a sample.");
            }

            var body = ParseQueryBody();
            var pipes = new List<EqlPipe>();
            while (Current.Kind == EqlTokenKind.Pipe)
            {
                pipes.Add(ParsePipe());
            }

            if (Current.Kind != EqlTokenKind.EndOfInput)
            {
                throw Unexpected("'and', 'or', a pipe '|' or the end of the query");
            }

            return new EqlQuery(Span(body.Span.Start, Previous.End), body, pipes.ToArray());
        }

        private EqlQueryBody ParseQueryBody()
        {
            switch (Current.Kind)
            {
                case EqlTokenKind.Sequence:
                    return ParseSequence();
                case EqlTokenKind.Sample:
                    return ParseSample();
                case EqlTokenKind.Join:
                    return ParseJoin();
                default:
                    var filter = ParseEventFilter();
                    return new EqlEventQuery(filter.Span, filter);
            }
        }

        private EqlSequence ParseSequence()
        {
            var start = Advance();
            var keys = Array.Empty<EqlExpr>();
            EqlMaxSpan? maxSpan = null;
            if (Current.Kind == EqlTokenKind.By)
            {
                keys = ParseJoinKeys();
                if (Current.Kind == EqlTokenKind.With && Peek(1).Kind == EqlTokenKind.Maxspan)
                {
                    maxSpan = ParseMaxSpan();
                }
            }
            else if (Current.Kind == EqlTokenKind.With)
            {
                maxSpan = ParseMaxSpan();
                if (Current.Kind == EqlTokenKind.By)
                {
                    throw Error(Current, "Please specify sequence [by] before [with] not after: write 'sequence by <keys> with maxspan=<time>'.");
                }
            }

            var stages = new List<EqlStage>();
            while (Current.Kind == EqlTokenKind.LeftBracket || Current.Kind == EqlTokenKind.MissingEventOpen)
            {
                stages.Add(ParseStage(allowRuns: true, allowMissing: true));
            }

            if (stages.Count == 0)
            {
                throw Unexpected("a sequence stage '[category where condition]'");
            }

            EqlStage? until = null;
            if (Current.Kind == EqlTokenKind.Until)
            {
                Advance();
                if (Current.Kind == EqlTokenKind.MissingEventOpen)
                {
                    throw Error(Current, "An 'until' stage cannot be a missing-event stage '![...]': write 'until [category where condition]'.");
                }

                until = ParseStage(allowRuns: false, allowMissing: false);
            }

            return new EqlSequence(Span(start.Start, Previous.End), keys, maxSpan, stages.ToArray(), until);
        }

        private EqlSample ParseSample()
        {
            var start = Advance();
            var keys = Current.Kind == EqlTokenKind.By ? ParseJoinKeys() : Array.Empty<EqlExpr>();
            var stages = new List<EqlStage>();
            while (Current.Kind == EqlTokenKind.LeftBracket)
            {
                stages.Add(ParseStage(allowRuns: false, allowMissing: false));
            }

            if (stages.Count == 0)
            {
                throw Unexpected("a sample stage '[category where condition]'");
            }

            return new EqlSample(Span(start.Start, Previous.End), keys, stages.ToArray());
        }

        private EqlJoin ParseJoin()
        {
            var start = Advance();
            var keys = Current.Kind == EqlTokenKind.By ? ParseJoinKeys() : Array.Empty<EqlExpr>();
            var stages = new List<EqlStage>();
            while (Current.Kind == EqlTokenKind.LeftBracket)
            {
                stages.Add(ParseStage(allowRuns: false, allowMissing: false));
            }

            if (stages.Count < 2)
            {
                throw Unexpected("a join stage '[category where condition]' (a join needs at least two)");
            }

            EqlStage? until = null;
            if (Current.Kind == EqlTokenKind.Until)
            {
                Advance();
                until = ParseStage(allowRuns: false, allowMissing: false);
            }

            return new EqlJoin(Span(start.Start, Previous.End), keys, stages.ToArray(), until);
        }

        private EqlStage ParseStage(bool allowRuns, bool allowMissing)
        {
            var open = Current;
            var missing = open.Kind == EqlTokenKind.MissingEventOpen;
            if (missing && !allowMissing)
            {
                throw Error(open, "Missing-event stages '![...]' are only allowed in a sequence.");
            }

            if (open.Kind != EqlTokenKind.LeftBracket && !missing)
            {
                throw Unexpected("'['");
            }

            Advance();
            var filter = ParseEventFilter();
            Expect(EqlTokenKind.RightBracket, "']' to close the stage");
            var keys = Current.Kind == EqlTokenKind.By ? ParseJoinKeys() : Array.Empty<EqlExpr>();
            int? runs = null;
            var runsSpan = default(SourceSpan);
            if (Current.Kind == EqlTokenKind.With && allowRuns)
            {
                var with = Advance();
                var key = Current;
                if (key.Kind != EqlTokenKind.Identifier)
                {
                    throw Unexpected("'runs' (as in 'with runs=3')");
                }

                if (!string.Equals(key.Value, "runs", StringComparison.Ordinal))
                {
                    throw Error(key, $"Unknown stage parameter '{key.Value}': the only one is 'runs', as in 'with runs=3'.");
                }

                Advance();
                Expect(EqlTokenKind.Assign, "'=' after 'runs'");
                var number = Current;
                if (number.Kind != EqlTokenKind.Integer)
                {
                    throw Error(number, $"'runs' needs a whole number, found {Describe(number)}.");
                }

                Advance();
                if (!int.TryParse(number.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    count = int.MaxValue;
                }

                runs = count;
                runsSpan = Span(with.Start, number.End);
            }

            return new EqlStage(Span(open.Start, Previous.End), filter, keys, missing, runs, runsSpan);
        }

        private EqlMaxSpan ParseMaxSpan()
        {
            var with = Advance();
            if (Current.Kind != EqlTokenKind.Maxspan)
            {
                throw Unexpected("'maxspan' (as in 'with maxspan=30s')");
            }

            Advance();
            Expect(EqlTokenKind.Assign, "'=' after 'maxspan'");
            var number = Current;
            double amount;
            bool isInteger;
            if (number.Kind == EqlTokenKind.Integer)
            {
                isInteger = true;
                amount = double.Parse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
            else if (number.Kind == EqlTokenKind.Decimal)
            {
                isInteger = false;
                amount = double.Parse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
            else
            {
                throw Error(number, $"'maxspan' needs a time value such as 30s, 5m or 1h, found {Describe(number)}.");
            }

            Advance();
            string? unit = null;
            if (Current.Kind == EqlTokenKind.Identifier)
            {
                unit = Advance().Value;
            }

            return new EqlMaxSpan(Span(with.Start, Previous.End), amount, isInteger, unit);
        }

        private EqlExpr[] ParseJoinKeys()
        {
            Advance(); // by
            var keys = new List<EqlExpr> { ParseExpression() };
            while (Current.Kind == EqlTokenKind.Comma)
            {
                Advance();
                keys.Add(ParseExpression());
            }

            return keys.ToArray();
        }

        private EqlPipe ParsePipe()
        {
            var pipe = Advance();
            var name = Current;
            if (name.Kind != EqlTokenKind.Identifier)
            {
                throw Unexpected("a pipe name such as 'head' or 'tail'");
            }

            Advance();
            var arguments = new List<EqlExpr>();
            if (Current.Kind != EqlTokenKind.Pipe && Current.Kind != EqlTokenKind.EndOfInput)
            {
                arguments.Add(ParseExpression());
                while (Current.Kind == EqlTokenKind.Comma)
                {
                    Advance();
                    arguments.Add(ParseExpression());
                }
            }

            return new EqlPipe(Span(pipe.Start, Previous.End), name.Value, Len(name.Start, name.Length), arguments.ToArray());
        }

        private EqlEventFilter ParseEventFilter()
        {
            var category = Current;
            string? name;
            switch (category.Kind)
            {
                case EqlTokenKind.Any:
                    name = null;
                    break;
                case EqlTokenKind.Identifier:
                case EqlTokenKind.String:
                    name = category.Value;
                    break;
                default:
                    throw Error(category, $"Expected an event category (such as 'process', 'any' or a quoted \"category\") followed by 'where', found {Describe(category)}.");
            }

            Advance();
            if (Current.Kind != EqlTokenKind.Where)
            {
                throw Error(Current, $"Expected 'where' after the event category '{category.Value}', found {Describe(Current)}. An event query is 'category where condition'.");
            }

            Advance();
            var condition = ParseExpression();
            return new EqlEventFilter(Span(category.Start, Previous.End), name, Len(category.Start, category.Length), condition);
        }

        // ---------------------------------------------------------------- expressions

        private const int MaxNesting = 200;

        private EqlExpr ParseExpression()
        {
            Enter();
            var expression = ParseOr();
            _depth--;
            return expression;
        }

        /// <summary>Bounds recursion so that a pathological query is a diagnostic, not a stack overflow.</summary>
        private void Enter()
        {
            if (++_depth > MaxNesting)
            {
                throw Error(Current, $"The query nests too deeply (more than {MaxNesting} levels of parentheses, 'not', signs or calls). Simplify it.");
            }
        }

        private EqlExpr ParseOr()
        {
            var left = ParseAnd();
            while (Current.Kind == EqlTokenKind.Or)
            {
                Advance();
                var right = ParseAnd();
                left = new EqlLogical(Span(left.Span.Start, right.Span.End), EqlLogicOp.Or, left, right);
            }

            return left;
        }

        private EqlExpr ParseAnd()
        {
            var left = ParseNot();
            while (Current.Kind == EqlTokenKind.And)
            {
                Advance();
                var right = ParseNot();
                left = new EqlLogical(Span(left.Span.Start, right.Span.End), EqlLogicOp.And, left, right);
            }

            return left;
        }

        private EqlExpr ParseNot()
        {
            if (Current.Kind == EqlTokenKind.Not)
            {
                var not = Advance();
                Enter();
                var operand = ParseNot();
                _depth--;
                return new EqlNot(Span(not.Start, operand.Span.End), operand);
            }

            if (Current.Kind == EqlTokenKind.Identifier && Peek(1).Kind == EqlTokenKind.Of)
            {
                var relationship = Advance();
                Advance();
                if (Current.Kind != EqlTokenKind.LeftBracket)
                {
                    throw Unexpected($"'[' after '{relationship.Value} of'");
                }

                Advance();
                var filter = ParseEventFilter();
                Expect(EqlTokenKind.RightBracket, "']' to close the subquery");
                return new EqlProcessRelationship(Span(relationship.Start, Previous.End), relationship.Value, filter);
            }

            return ParseComparison();
        }

        private EqlExpr ParseComparison()
        {
            var left = ParseAdditive();
            EqlCompareOp op;
            switch (Current.Kind)
            {
                case EqlTokenKind.Equal: op = EqlCompareOp.Equal; break;
                case EqlTokenKind.NotEqual: op = EqlCompareOp.NotEqual; break;
                case EqlTokenKind.Less: op = EqlCompareOp.Less; break;
                case EqlTokenKind.LessOrEqual: op = EqlCompareOp.LessOrEqual; break;
                case EqlTokenKind.Greater: op = EqlCompareOp.Greater; break;
                case EqlTokenKind.GreaterOrEqual: op = EqlCompareOp.GreaterOrEqual; break;
                case EqlTokenKind.Assign:
                    throw Error(Current, "'=' is not an EQL operator: use '==' (case-sensitive) or ':' (case-insensitive) to compare.");
                default:
                    return left;
            }

            var opToken = Advance();
            var right = ParseAdditive();
            if (IsComparisonToken(Current.Kind))
            {
                throw Error(Current, "Comparisons cannot be chained: write 'a < b and b <= c' instead of 'a < b <= c'.");
            }

            return new EqlComparison(Span(left.Span.Start, right.Span.End), op, Len(opToken.Start, opToken.Length), left, right);
        }

        private EqlExpr ParseAdditive()
        {
            var left = ParseMultiplicative();
            while (Current.Kind == EqlTokenKind.Plus || Current.Kind == EqlTokenKind.Minus)
            {
                var op = Advance().Kind == EqlTokenKind.Plus ? EqlArithmeticOp.Add : EqlArithmeticOp.Subtract;
                var right = ParseMultiplicative();
                left = new EqlArithmetic(Span(left.Span.Start, right.Span.End), op, left, right);
            }

            return left;
        }

        private EqlExpr ParseMultiplicative()
        {
            var left = ParseUnary();
            while (Current.Kind == EqlTokenKind.Asterisk || Current.Kind == EqlTokenKind.Slash || Current.Kind == EqlTokenKind.Percent)
            {
                var kind = Advance().Kind;
                var op = kind == EqlTokenKind.Asterisk ? EqlArithmeticOp.Multiply : kind == EqlTokenKind.Slash ? EqlArithmeticOp.Divide : EqlArithmeticOp.Modulo;
                var right = ParseUnary();
                left = new EqlArithmetic(Span(left.Span.Start, right.Span.End), op, left, right);
            }

            return left;
        }

        private EqlExpr ParseUnary()
        {
            if (Current.Kind == EqlTokenKind.Minus || Current.Kind == EqlTokenKind.Plus)
            {
                var sign = Advance();
                Enter();
                var operand = ParseUnary();
                _depth--;
                var span = Span(sign.Start, operand.Span.End);
                if (sign.Kind == EqlTokenKind.Plus)
                {
                    return operand;
                }

                // A negative number is a literal, as Elasticsearch folds it.
                if (operand is EqlLiteral literal && literal.Kind == EqlLiteralKind.Integer)
                {
                    return EqlLiteral.Int(span, -literal.Integer);
                }

                if (operand is EqlLiteral dec && dec.Kind == EqlLiteralKind.Decimal)
                {
                    return EqlLiteral.Dec(span, -dec.Decimal);
                }

                return new EqlArithmetic(span, EqlArithmeticOp.Negate, operand, null);
            }

            return ParsePrimaryWithPredicate();
        }

        private EqlExpr ParsePrimaryWithPredicate()
        {
            var primary = ParsePrimary();
            switch (Current.Kind)
            {
                case EqlTokenKind.Not:
                    if (Peek(1).Kind == EqlTokenKind.In || Peek(1).Kind == EqlTokenKind.InInsensitive)
                    {
                        Advance();
                        return ParseIn(primary, negated: true);
                    }

                    throw Error(Current, "Unexpected 'not' after a value: only 'not in' / 'not in~' may follow a value; write 'not (a : \"x\")' to negate a match.");
                case EqlTokenKind.In:
                case EqlTokenKind.InInsensitive:
                    return ParseIn(primary, negated: false);
                case EqlTokenKind.Colon:
                    return ParsePattern(primary, EqlPatternKind.Colon, caseInsensitive: true);
                case EqlTokenKind.Like:
                    return ParsePattern(primary, EqlPatternKind.Like, caseInsensitive: false);
                case EqlTokenKind.LikeInsensitive:
                    return ParsePattern(primary, EqlPatternKind.Like, caseInsensitive: true);
                case EqlTokenKind.Regex:
                    return ParsePattern(primary, EqlPatternKind.Regex, caseInsensitive: false);
                case EqlTokenKind.RegexInsensitive:
                    return ParsePattern(primary, EqlPatternKind.Regex, caseInsensitive: true);
                default:
                    return primary;
            }
        }

        private EqlExpr ParseIn(EqlExpr value, bool negated)
        {
            var insensitive = Advance().Kind == EqlTokenKind.InInsensitive;
            Expect(EqlTokenKind.LeftParen, "'(' to start the list after 'in'");
            var items = new List<EqlExpr> { ParseExpression() };
            while (Current.Kind == EqlTokenKind.Comma)
            {
                Advance();
                items.Add(ParseExpression());
            }

            Expect(EqlTokenKind.RightParen, "',' or ')' to close the list");
            return new EqlIn(Span(value.Span.Start, Previous.End), value, items.ToArray(), negated, insensitive);
        }

        private EqlExpr ParsePattern(EqlExpr value, EqlPatternKind kind, bool caseInsensitive)
        {
            var op = Advance();
            var patterns = new List<EqlLiteral>();
            if (Current.Kind == EqlTokenKind.LeftParen)
            {
                Advance();
                patterns.Add(ParseConstant(op));
                while (Current.Kind == EqlTokenKind.Comma)
                {
                    Advance();
                    patterns.Add(ParseConstant(op));
                }

                Expect(EqlTokenKind.RightParen, "',' or ')' to close the list");
            }
            else
            {
                patterns.Add(ParseConstant(op));
            }

            return new EqlPatternMatch(Span(value.Span.Start, Previous.End), value, kind, caseInsensitive, patterns.ToArray());
        }

        private EqlLiteral ParseConstant(EqlToken op)
        {
            if (TryParseConstant(out var literal))
            {
                return literal;
            }

            throw Error(Current, $"'{op.Value}' must be followed by a constant (a string, a number, true, false or null) or a list of constants in parentheses, found {Describe(Current)}.");
        }

        private bool TryParseConstant(out EqlLiteral literal)
        {
            var token = Current;
            var span = Len(token.Start, token.Length);
            switch (token.Kind)
            {
                case EqlTokenKind.Null:
                    Advance();
                    literal = EqlLiteral.Null(span);
                    return true;
                case EqlTokenKind.True:
                case EqlTokenKind.False:
                    Advance();
                    literal = EqlLiteral.Bool(span, token.Kind == EqlTokenKind.True);
                    return true;
                case EqlTokenKind.String:
                    Advance();
                    literal = EqlLiteral.String(span, token.Value);
                    return true;
                case EqlTokenKind.Integer:
                    Advance();
                    if (long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                    {
                        literal = EqlLiteral.Int(span, integer);
                        return true;
                    }

                    throw Error(token, $"Number [{token.Value}] is too large: integers must fit in a signed 64-bit long.");
                case EqlTokenKind.Decimal:
                    Advance();
                    var value = double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (double.IsInfinity(value))
                    {
                        throw Error(token, $"Number [{token.Value}] is too large for a double.");
                    }

                    literal = EqlLiteral.Dec(span, value);
                    return true;
                default:
                    literal = null!;
                    return false;
            }
        }

        private EqlExpr ParsePrimary()
        {
            if (TryParseConstant(out var literal))
            {
                return literal;
            }

            var token = Current;
            switch (token.Kind)
            {
                case EqlTokenKind.TildeIdentifier:
                    if (Peek(1).Kind != EqlTokenKind.LeftParen)
                    {
                        throw Error(token, $"'{token.Value}~' is a case-insensitive function name and must be followed by '(' and its arguments.");
                    }

                    return ParseCall(caseInsensitive: true);
                case EqlTokenKind.Identifier when Peek(1).Kind == EqlTokenKind.LeftParen:
                    return ParseCall(caseInsensitive: false);
                case EqlTokenKind.Identifier:
                case EqlTokenKind.QuotedIdentifier:
                case EqlTokenKind.Optional:
                    return ParseQualifiedName();
                case EqlTokenKind.LeftParen:
                    Advance();
                    var inner = ParseExpression();
                    Expect(EqlTokenKind.RightParen, "')' to close the parenthesis");
                    return inner;
                default:
                    if (IsKeywordToken(token.Kind))
                    {
                        throw Error(token, $"Expected a value (a field, a constant, a function call or '('), found the keyword '{token.Value}'. A field named like a keyword must be quoted with backquotes: `{token.Value}`.");
                    }

                    throw Unexpected("a value (a field, a constant, a function call or '(')");
            }
        }

        private EqlExpr ParseCall(bool caseInsensitive)
        {
            var name = Advance();
            Advance(); // (
            var arguments = new List<EqlExpr>();
            if (Current.Kind != EqlTokenKind.RightParen)
            {
                arguments.Add(ParseExpression());
                while (Current.Kind == EqlTokenKind.Comma)
                {
                    Advance();
                    arguments.Add(ParseExpression());
                }
            }

            Expect(EqlTokenKind.RightParen, "',' or ')' to close the function arguments");
            var nameLength = caseInsensitive ? name.Length - 1 : name.Length;
            return new EqlCall(Span(name.Start, Previous.End), name.Value, Len(name.Start, nameLength), caseInsensitive, arguments.ToArray());
        }

        private EqlExpr ParseQualifiedName()
        {
            var start = Current.Start;
            var optional = false;
            if (Current.Kind == EqlTokenKind.Optional)
            {
                optional = true;
                Advance();
            }

            var path = new System.Text.StringBuilder(ParseIdentifier());
            var hasIndex = false;
            while (true)
            {
                if (Current.Kind == EqlTokenKind.Dot)
                {
                    Advance();
                    path.Append('.').Append(ParseIdentifier());
                }
                else if (Current.Kind == EqlTokenKind.LeftBracket && Peek(1).Kind == EqlTokenKind.Integer)
                {
                    Advance();
                    while (Current.Kind == EqlTokenKind.Integer)
                    {
                        Advance();
                    }

                    Expect(EqlTokenKind.RightBracket, "']' to close the array index");
                    hasIndex = true;
                }
                else
                {
                    break;
                }
            }

            return new EqlField(Span(start, Previous.End), path.ToString(), optional, hasIndex);
        }

        private string ParseIdentifier()
        {
            var token = Current;
            if (token.Kind == EqlTokenKind.Identifier || token.Kind == EqlTokenKind.QuotedIdentifier)
            {
                Advance();
                return token.Value;
            }

            if (IsKeywordToken(token.Kind))
            {
                throw Error(token, $"Expected a field name, found the keyword '{token.Value}'. Quote it with backquotes: `{token.Value}`.");
            }

            throw Unexpected("a field name");
        }

        // ---------------------------------------------------------------- token helpers

        private EqlToken Current => _tokens[_position];

        private EqlToken Previous => _tokens[Math.Max(0, _position - 1)];

        private EqlToken Peek(int offset) => _tokens[Math.Min(_tokens.Count - 1, _position + offset)];

        private EqlToken Advance()
        {
            var token = Current;
            if (_position < _tokens.Count - 1)
            {
                _position++;
            }

            return token;
        }

        private void Expect(EqlTokenKind kind, string what)
        {
            if (Current.Kind != kind)
            {
                throw Unexpected(what);
            }

            Advance();
        }

        private static SourceSpan Span(int start, int end) => SourceSpan.FromBounds(start, end);

        private static SourceSpan Len(int start, int length) => new SourceSpan(start, length);

        private SyntaxError Unexpected(string expected)
        {
            var hint = Current.Kind == EqlTokenKind.Identifier && EqlLexer.IsKeyword(Current.Value.ToLowerInvariant())
                ? $" EQL keywords are lowercase: write '{Current.Value.ToLowerInvariant()}'."
                : string.Empty;
            return Error(Current, $"Expected {expected}, found {Describe(Current)}.{hint}");
        }

        private SyntaxError Error(EqlToken token, string message) =>
            new SyntaxError(token.Start, Math.Max(1, token.Kind == EqlTokenKind.EndOfInput ? 0 : token.Length), message);

        private string Describe(EqlToken token) => token.Kind switch
        {
            EqlTokenKind.EndOfInput => "the end of the query",
            EqlTokenKind.String => "the string " + _text.Substring(token.Start, token.Length),
            _ => "'" + _text.Substring(token.Start, token.Length) + "'",
        };

        private static bool IsComparisonToken(EqlTokenKind kind) =>
            kind == EqlTokenKind.Equal || kind == EqlTokenKind.NotEqual || kind == EqlTokenKind.Less ||
            kind == EqlTokenKind.LessOrEqual || kind == EqlTokenKind.Greater || kind == EqlTokenKind.GreaterOrEqual;

        private static bool IsKeywordToken(EqlTokenKind kind) => kind >= EqlTokenKind.And && kind <= EqlTokenKind.With;

        /// <summary>Internal control flow for the first syntax error; caught in <see cref="Parse(QuerySource)"/>.</summary>
        private sealed class SyntaxError : Exception
        {
            public SyntaxError(int start, int length, string message)
                : base(message)
            {
                Start = start;
                Length = length;
            }

            public int Start { get; }

            public int Length { get; }
        }
    }
}
