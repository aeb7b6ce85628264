using Rules.Language.Binding;
using Rules.Language.Eql;
using Rules.Language.Text;

namespace Rules.Tests.Eql;

public class EqlParserTests
{
    private static EqlQuery Parse(string query)
    {
        var result = EqlParser.Parse(query);
        Assert.True(result.Query is not null, string.Join("; ", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        return result.Query!;
    }

    private static EqlExpr Condition(string query) => ((EqlEventQuery)Parse(query).Body).Filter.Condition;

    private static Rules.Language.Diagnostics.RuleDiagnostic Error(string query)
    {
        var result = EqlParser.Parse(query);
        Assert.Null(result.Query);
        return Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Event_query_has_category_condition_and_spans()
    {
        var query = Parse("process where process.name == \"cmd.exe\"");
        var filter = ((EqlEventQuery)query.Body).Filter;
        Assert.Equal("process", filter.Category);
        Assert.Equal(new SourceSpan(0, 7), filter.CategorySpan);
        var comparison = Assert.IsType<EqlComparison>(filter.Condition);
        Assert.Equal(EqlCompareOp.Equal, comparison.Op);
        var field = Assert.IsType<EqlField>(comparison.Left);
        Assert.Equal("process.name", field.Path);
        Assert.Equal(new SourceSpan(14, 12), field.Span);
        Assert.Equal("cmd.exe", Assert.IsType<EqlLiteral>(comparison.Right).Text);
        Assert.Equal(new SourceSpan(30, 9), comparison.Right.Span);
    }

    [Theory]
    [InlineData("any where true", null)]
    [InlineData("\"my-event category\" where true", "my-event category")]
    [InlineData("\"\"\".my.event.category\"\"\" where true", ".my.event.category")]
    [InlineData("REQUEST where true", "REQUEST")]
    public void Event_categories(string query, string? category) =>
        Assert.Equal(category, ((EqlEventQuery)Parse(query).Body).Filter.Category);

    [Fact]
    public void And_binds_tighter_than_or_and_not_tighter_than_and()
    {
        var or = Assert.IsType<EqlLogical>(Condition("any where not a == 1 and b == 2 or c == 3"));
        Assert.Equal(EqlLogicOp.Or, or.Op);
        var and = Assert.IsType<EqlLogical>(or.Left);
        Assert.Equal(EqlLogicOp.And, and.Op);
        Assert.IsType<EqlNot>(and.Left);
    }

    [Fact]
    public void Parentheses_group()
    {
        var and = Assert.IsType<EqlLogical>(Condition("any where a == 1 and (b == 2 or c == 3)"));
        Assert.Equal(EqlLogicOp.And, and.Op);
        Assert.Equal(EqlLogicOp.Or, Assert.IsType<EqlLogical>(and.Right).Op);
    }

    [Fact]
    public void Comments_are_skipped_and_bracketed_comments_nest()
    {
        var query = Parse("process /* a /* nested */ comment */ where // line\n true");
        Assert.IsType<EqlLiteral>(((EqlEventQuery)query.Body).Filter.Condition);
    }

    [Theory]
    [InlineData("==", EqlCompareOp.Equal)]
    [InlineData("!=", EqlCompareOp.NotEqual)]
    [InlineData("<", EqlCompareOp.Less)]
    [InlineData("<=", EqlCompareOp.LessOrEqual)]
    [InlineData(">", EqlCompareOp.Greater)]
    [InlineData(">=", EqlCompareOp.GreaterOrEqual)]
    public void Comparison_operators(string symbol, EqlCompareOp op) =>
        Assert.Equal(op, Assert.IsType<EqlComparison>(Condition($"any where a {symbol} 1")).Op);

    [Theory]
    [InlineData("a : \"x*\"", EqlPatternKind.Colon, true, 1)]
    [InlineData("a : (\"x\", \"y*\")", EqlPatternKind.Colon, true, 2)]
    [InlineData("a like \"X?\"", EqlPatternKind.Like, false, 1)]
    [InlineData("a like~ (\"x\", \"y\", \"z\")", EqlPatternKind.Like, true, 3)]
    [InlineData("a regex \"[a-z]+\"", EqlPatternKind.Regex, false, 1)]
    [InlineData("a regex~ (\"a.*\", \"b.*\")", EqlPatternKind.Regex, true, 2)]
    public void Pattern_operators(string condition, EqlPatternKind kind, bool insensitive, int count)
    {
        var match = Assert.IsType<EqlPatternMatch>(Condition("any where " + condition));
        Assert.Equal(kind, match.Kind);
        Assert.Equal(insensitive, match.CaseInsensitive);
        Assert.Equal(count, match.Patterns.Count);
    }

    [Theory]
    [InlineData("a in (1, 2)", false, false)]
    [InlineData("a in~ (\"x\")", false, true)]
    [InlineData("a not in (\"x\", \"y\")", true, false)]
    [InlineData("a not in~ (\"x\", \"y\")", true, true)]
    public void In_lists(string condition, bool negated, bool insensitive)
    {
        var inList = Assert.IsType<EqlIn>(Condition("any where " + condition));
        Assert.Equal(negated, inList.Negated);
        Assert.Equal(insensitive, inList.CaseInsensitive);
    }

    [Theory]
    [InlineData(@"""a\\b""", @"a\b")]
    [InlineData(@"""say \""hi\""""", "say \"hi\"")]
    [InlineData(@"""\n\t\r\b\f""", "\n\t\r\b\f")]
    [InlineData(@"""\u{41}\u{0000200f}""", "A\u200f")]
    [InlineData(@"""it\'s""", "it's")]
    [InlineData("\"\"\"C:\\raw \" string\"\"\"", "C:\\raw \" string")]
    [InlineData("\"\"\"ends with quote\"\"\"\"", "ends with quote\"")]
    public void String_escapes(string literal, string expected)
    {
        var comparison = Assert.IsType<EqlComparison>(Condition("any where a == " + literal));
        Assert.Equal(expected, Assert.IsType<EqlLiteral>(comparison.Right).Text);
    }

    [Theory]
    [InlineData("42", EqlLiteralKind.Integer, 42L, 0d)]
    [InlineData("-42", EqlLiteralKind.Integer, -42L, 0d)]
    [InlineData("4.5", EqlLiteralKind.Decimal, 0L, 4.5d)]
    [InlineData("-0.5", EqlLiteralKind.Decimal, 0L, -0.5d)]
    [InlineData(".5", EqlLiteralKind.Decimal, 0L, 0.5d)]
    [InlineData("1e3", EqlLiteralKind.Decimal, 0L, 1000d)]
    [InlineData("2.5E-1", EqlLiteralKind.Decimal, 0L, 0.25d)]
    public void Numbers(string text, EqlLiteralKind kind, long integer, double dec)
    {
        var literal = Assert.IsType<EqlLiteral>(Assert.IsType<EqlComparison>(Condition("any where a == " + text)).Right);
        Assert.Equal(kind, literal.Kind);
        Assert.Equal(integer, literal.Integer);
        Assert.Equal(dec, literal.Decimal);
    }

    [Fact]
    public void Constants_true_false_null()
    {
        var or = Assert.IsType<EqlLogical>(Condition("any where a == true or b == false or c == null"));
        Assert.Equal(EqlLiteralKind.Null, Assert.IsType<EqlLiteral>(Assert.IsType<EqlComparison>(or.Right).Right).Kind);
    }

    [Fact]
    public void Optional_and_backquoted_fields()
    {
        var and = Assert.IsType<EqlLogical>(Condition("any where ?user.id != null and `my-field`.`a``b` == 1"));
        var optional = Assert.IsType<EqlField>(Assert.IsType<EqlComparison>(and.Left).Left);
        Assert.True(optional.Optional);
        Assert.Equal("user.id", optional.Path);
        Assert.Equal("my-field.a`b", Assert.IsType<EqlField>(Assert.IsType<EqlComparison>(and.Right).Left).Path);
    }

    [Fact]
    public void Arithmetic_precedence_and_unary_minus()
    {
        var comparison = Assert.IsType<EqlComparison>(Condition("any where a + b * -c % 2 == 1 - 2 / d"));
        var add = Assert.IsType<EqlArithmetic>(comparison.Left);
        Assert.Equal(EqlArithmeticOp.Add, add.Op);
        var modulo = Assert.IsType<EqlArithmetic>(add.Right);
        Assert.Equal(EqlArithmeticOp.Modulo, modulo.Op);
        var multiply = Assert.IsType<EqlArithmetic>(modulo.Left);
        Assert.Equal(EqlArithmeticOp.Negate, Assert.IsType<EqlArithmetic>(multiply.Right).Op);
        Assert.Equal(EqlArithmeticOp.Subtract, Assert.IsType<EqlArithmetic>(comparison.Right).Op);
    }

    [Fact]
    public void Function_calls_and_case_insensitive_variants()
    {
        var and = Assert.IsType<EqlLogical>(Condition("any where startsWith~(a, \"x\") and length(b) > 2 and concat() == \"\""));
        var left = Assert.IsType<EqlLogical>(and.Left);
        var call = Assert.IsType<EqlCall>(left.Left);
        Assert.True(call.CaseInsensitive);
        Assert.Equal("startsWith", call.Name);
        Assert.Equal(new SourceSpan(10, 10), call.NameSpan);
        Assert.Equal(2, call.Arguments.Count);
        Assert.Empty(Assert.IsType<EqlCall>(Assert.IsType<EqlComparison>(and.Right).Left).Arguments);
    }

    [Fact]
    public void Sequence_with_keys_maxspan_runs_missing_and_until()
    {
        var query = Parse(
            "sequence by host.id, user.name with maxspan=30s\n" +
            "  [process where true] by process.entity_id with runs=3\n" +
            " ![file where true] by process.entity_id\n" +
            "  [network where true] by process.entity_id\n" +
            "until [process where event.type == \"end\"] by process.entity_id");
        var sequence = Assert.IsType<EqlSequence>(query.Body);
        Assert.Equal(2, sequence.Keys.Count);
        Assert.Equal(30, sequence.MaxSpan!.Amount);
        Assert.Equal("s", sequence.MaxSpan.Unit);
        Assert.Equal(3, sequence.Stages.Count);
        Assert.Equal(3, sequence.Stages[0].Runs);
        Assert.True(sequence.Stages[1].IsMissing);
        Assert.Single(sequence.Stages[2].Keys);
        Assert.NotNull(sequence.Until);
    }

    [Fact]
    public void Sequence_with_maxspan_only_and_stage_by_after_bracket()
    {
        var sequence = Assert.IsType<EqlSequence>(Parse("sequence with maxspan=1h [process where true] by a [file where true] by b").Body);
        Assert.Empty(sequence.Keys);
        Assert.Equal("h", sequence.MaxSpan!.Unit);
        Assert.Equal("a", Assert.IsType<EqlField>(sequence.Stages[0].Keys[0]).Path);
    }

    [Fact]
    public void Sample_with_keys()
    {
        var sample = Assert.IsType<EqlSample>(Parse("sample by host [any where a == 1] [any where b == 2] by c").Body);
        Assert.Single(sample.Keys);
        Assert.Equal(2, sample.Stages.Count);
        Assert.Single(sample.Stages[1].Keys);
    }

    [Fact]
    public void Pipes_parse()
    {
        var query = Parse("process where true | head 5 | tail 2 | unique a, b | count");
        Assert.Equal(new[] { "head", "tail", "unique", "count" }, query.Pipes.Select(p => p.Name));
        Assert.Equal(2, query.Pipes[2].Arguments.Count);
    }

    [Fact]
    public void Join_and_process_relationships_parse()
    {
        Assert.IsType<EqlJoin>(Parse("join by a [process where true] [file where true]").Body);
        Assert.IsType<EqlProcessRelationship>(Condition("process where descendant of [process where a == 1]"));
    }

    [Fact]
    public void Array_index_parses()
    {
        Assert.True(Assert.IsType<EqlField>(Assert.IsType<EqlComparison>(Condition("any where a[0] == 1")).Left).HasArrayIndex);
    }

    // ---------------------------------------------------------------- errors: DR3001 at the right place

    [Theory]
    [InlineData("", 0, "empty")]
    [InlineData("process", 7, "Expected 'where'")]
    [InlineData("process where", 13, "Expected a value")]
    [InlineData("process where a = 1", 16, "'=' is not an EQL operator")]
    [InlineData("process where a == 'x'", 19, "Use double quotes")]
    [InlineData("process where a == ?\"x\"", 19, "Use triple double quotes")]
    [InlineData("process where a == \"x", 19, "Unterminated string")]
    [InlineData("process where a == \"\\q\"", 20, "Invalid escape sequence")]
    [InlineData("process where a == \"\\u{1}\"", 20, "2 to 8 hexadecimal digits")]
    [InlineData("process where a < b < c", 20, "cannot be chained")]
    [InlineData("process where (a == 1", 21, "')'")]
    [InlineData("process where a == 1 b", 21, "the end of the query")]
    [InlineData("process where a : b", 18, "constant")]
    [InlineData("process where a ! b", 16, "Unexpected character '!'")]
    [InlineData("process where a == #", 19, "Unexpected character '#'")]
    [InlineData("process where /* open", 14, "Unterminated comment")]
    [InlineData("process where `open", 14, "backquote")]
    [InlineData("process where where == 1", 14, "keyword 'where'")]
    [InlineData("sequence [process where true", 28, "']'")]
    [InlineData("sequence with maxspan=5m by a [a where true] [b where true]", 25, "by] before [with]")]
    [InlineData("sequence [a where true] with runs=x [b where true]", 34, "whole number")]
    [InlineData("sequence [a where true] with fork=2 [b where true]", 29, "only one is 'runs'")]
    [InlineData("sample by a ![a where true] [b where true]", 12, "a sample stage")]
    [InlineData("process where a == 99999999999999999999", 19, "too large")]
    [InlineData("process where true | 5", 21, "pipe name")]
    [InlineData("process where a == 1 AND b == 2", 21, "keywords are lowercase: write 'and'")]
    public void Syntax_errors_are_DR3001_at_the_offending_token(string query, int offset, string messagePart)
    {
        var error = Error(query);
        Assert.Equal("DR3001", error.Id);
        Assert.Equal(offset, error.Location.Span.Start);
        Assert.Contains(messagePart, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Errors_are_located_in_the_rule_file()
    {
        // The query sits on line 3 of a rule file, starting at column 3.
        var file = "name = \"x\"\nquery = '''\n  process where a = 1\n'''\n";
        var start = file.IndexOf("process", StringComparison.Ordinal);
        var query = "process where a = 1";
        var source = new QuerySource(new SourceText("rule.toml", file), query, new StringSourceMap(start));
        var error = Assert.Single(EqlParser.Parse(source).Diagnostics);
        Assert.Equal("rule.toml", error.Location.Path);
        Assert.Equal(2, error.Location.Start.Line);
        Assert.Equal(18, error.Location.Start.Character);
    }

    [Fact]
    public void Deep_nesting_is_a_diagnostic_not_a_stack_overflow()
    {
        var error = Error("any where " + new string('(', 5000) + "a == 1" + new string(')', 5000));
        Assert.Equal("DR3001", error.Id);
        Assert.Contains("nests too deeply", error.Message);
        Assert.Equal("DR3001", Error("any where " + string.Concat(Enumerable.Repeat("not ", 5000)) + "a == 1").Id);
        Assert.Equal("DR3001", Error("any where a == " + new string('-', 5000) + "1").Id);
    }

    [Fact]
    public void Long_or_chains_parse_and_compile()
    {
        var query = "any where " + string.Join(" or ", Enumerable.Range(0, 5000).Select(i => $"process.name == \"p{i}.exe\""));
        Assert.NotNull(EqlParser.Parse(query).Query);
        var plan = Assert.IsType<Rules.Language.Ir.EventQueryPlan>(EqlCompiler.Compile(query, EqlCompilerTests.Catalog).Plan);
        Assert.Equal(5000, Assert.IsType<Rules.Language.Ir.OrExpr>(plan.Condition).Operands.Count);
    }

    [Fact]
    public void Garbage_never_throws()
    {
        var random = new Random(1234);
        const string alphabet = "ab \"'`?![](){}|:=<>!~+-*/%.,\\0123456789 where and or not in like regex sequence by with maxspan runs until sample any null true false";
        for (var i = 0; i < 3000; i++)
        {
            var length = random.Next(0, 40);
            var chars = new char[length];
            for (var j = 0; j < length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var result = EqlParser.Parse(new string(chars));
            Assert.True(result.Query is not null || result.Diagnostics.Count == 1);
        }
    }
}
