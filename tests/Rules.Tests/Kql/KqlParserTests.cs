using Rules.Language.Binding;
using Rules.Language.Kql;

namespace Rules.Tests.Kql;

public class KqlParserTests
{
    private static KqlNode Parse(string query)
    {
        var (result, diagnostics) = KqlParser.Parse(QuerySource.ForText(query));
        Assert.Empty(diagnostics);
        Assert.NotNull(result);
        Assert.NotNull(result!.Root);
        return result.Root!;
    }

    private static Rules.Language.Diagnostics.RuleDiagnostic ParseError(string query)
    {
        var (result, diagnostics) = KqlParser.Parse(QuerySource.ForText(query));
        Assert.Null(result);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("DR4001", diagnostic.Id);
        return diagnostic;
    }

    /// <summary>A compact rendering of the tree, to compare shapes.</summary>
    private static string Show(KqlNode node) => node switch
    {
        KqlOr or => "or(" + string.Join(", ", or.Operands.Select(Show)) + ")",
        KqlAnd and => "and(" + string.Join(", ", and.Operands.Select(Show)) + ")",
        KqlNot not => "not(" + Show(not.Operand) + ")",
        KqlNested nested => $"nested({Show(nested.Path)}, {Show(nested.Query)})",
        KqlIs isNode => $"is({(isNode.Field is null ? "null" : Show(isNode.Field))}, {Show(isNode.Value)})",
        KqlRange range => $"range({Show(range.Field)} {range.Operator} {Show(range.Value)})",
        KqlLiteral literal => literal.Kind switch
        {
            KqlLiteralKind.Wildcard => "w[" + string.Join("|", literal.Segments) + "]",
            KqlLiteralKind.Null => "null",
            KqlLiteralKind.Boolean => "b:" + literal.Text,
            _ => (literal.IsQuoted ? "q:" : "") + literal.Text,
        },
        _ => "?",
    };

    [Theory]
    [InlineData("process.name:cmd.exe", "is(process.name, cmd.exe)")]
    [InlineData("process.name : cmd.exe", "is(process.name, cmd.exe)")]
    [InlineData("process.name:\"cmd.exe\"", "is(process.name, q:cmd.exe)")]
    [InlineData("a:1 and b:2", "and(is(a, 1), is(b, 2))")]
    [InlineData("a:1 or b:2 and c:3", "or(is(a, 1), and(is(b, 2), is(c, 3)))")]
    [InlineData("not a:1 and b:2", "and(not(is(a, 1)), is(b, 2))")]
    [InlineData("(a:1 or b:2) and c:3", "and(or(is(a, 1), is(b, 2)), is(c, 3))")]
    [InlineData("a:1 AND b:2 Or c:3", "or(and(is(a, 1), is(b, 2)), is(c, 3))")]
    [InlineData("NOT a:1", "not(is(a, 1))")]
    [InlineData("not (a:1 or b:2)", "not(or(is(a, 1), is(b, 2)))")]
    [InlineData("a:(x or y and not z)", "or(is(a, x), and(is(a, y), not(is(a, z))))")]
    [InlineData("a:(\"x y\" or z)", "or(is(a, q:x y), is(a, z))")]
    [InlineData("a:*", "is(a, w[|])")]
    [InlineData("a:foo*", "is(a, w[foo|])")]
    [InlineData("a:*foo*bar", "is(a, w[|foo|bar])")]
    [InlineData("a:\"foo*\"", "is(a, q:foo*)")]
    [InlineData("a:foo\\*", "is(a, foo*)")]
    [InlineData("a:foo bar", "is(a, foo bar)")]
    [InlineData("a:foo bar and b:1", "and(is(a, foo bar), is(b, 1))")]
    [InlineData("a:null", "is(a, null)")]
    [InlineData("a:true", "is(a, b:true)")]
    [InlineData("a:\"true\"", "is(a, q:true)")]
    [InlineData("a < 5", "range(a Less 5)")]
    [InlineData("a<=5", "range(a LessOrEqual 5)")]
    [InlineData("a > 5", "range(a Greater 5)")]
    [InlineData("a >= \"2024-01-01T00:00:00Z\"", "range(a GreaterOrEqual q:2024-01-01T00:00:00Z)")]
    [InlineData("p:{ a:1 and b:2 }", "nested(p, and(is(a, 1), is(b, 2)))")]
    [InlineData("process.*:cmd.exe", "is(w[process.|], cmd.exe)")]
    [InlineData("\"process.name\":x", "is(q:process.name, x)")]
    [InlineData("cmd.exe", "is(null, cmd.exe)")]
    [InlineData("  a:1  ", "is(a, 1)")]
    [InlineData("a:x\\:y", "is(a, x:y)")]
    [InlineData("a:C\\:\\\\Windows\\\\*", "is(a, w[C:\\Windows\\|])")]
    [InlineData("a:\\(x\\)", "is(a, (x))")]
    [InlineData("a:x \\and y", "is(a, x and y)")]
    [InlineData("a:x and", "is(a, x and)")]
    [InlineData("a:\\u0041b", "is(a, Ab)")]
    [InlineData("a:\"C:\\\\Windows\\\\x\"", "is(a, q:C:\\Windows\\x)")]
    [InlineData("a:\"say \\\"hi\\\"\"", "is(a, q:say \"hi\")")]
    [InlineData("a:\"C:\\Users\"", "is(a, q:C:\\Users)")]
    [InlineData("a:\"x\\ty\"", "is(a, q:x\ty)")]
    [InlineData("a:orange and b:android", "and(is(a, orange), is(b, android))")]
    [InlineData("a:x\nor\nb:y", "or(is(a, x), is(b, y))")]
    // Cases from Kibana's kuery ast.test.ts.
    [InlineData("foo and\u00A0bar", "and(is(null, foo), is(null, bar))")]
    [InlineData("foo or bar and baz or qux", "or(is(null, foo), and(is(null, bar), is(null, baz)), is(null, qux))")]
    [InlineData("foo:((bar or baz) and not qux)", "and(or(is(foo, bar), is(foo, baz)), not(is(foo, qux)))")]
    [InlineData("nestedField:{ nestedChild:{ doublyNestedChild:foo } }", "nested(nestedField, nested(nestedChild, is(doublyNestedChild, foo)))")]
    [InlineData("response:200 and ( nestedField:{ childOfNested:foo } or nestedField:{ childOfNested:bar } )", "and(is(response, 200), or(nested(nestedField, is(childOfNested, foo)), nested(nestedField, is(childOfNested, bar))))")]
    [InlineData("((((((((((foo))))))))))", "is(null, foo)")]
    [InlineData("machine*:osx", "is(w[machine|], osx)")]
    public void Parses_like_kibana(string query, string expected) => Assert.Equal(expected, Show(Parse(query)));

    [Fact]
    public void Empty_query_has_no_root()
    {
        var (result, diagnostics) = KqlParser.Parse(QuerySource.ForText("   "));
        Assert.Empty(diagnostics);
        Assert.Null(result!.Root);
    }

    [Fact]
    public void Every_node_has_a_span()
    {
        var root = (KqlAnd)Parse("a:foo and not b:\"x y\"");
        var first = (KqlIs)root.Operands[0];
        Assert.Equal((0, 1), (first.Field!.Start, first.Field.Length));
        Assert.Equal((2, 3), (first.Value.Start, first.Value.Length));
        var not = (KqlNot)root.Operands[1];
        Assert.Equal(10, not.Start);
        var second = (KqlIs)not.Operand;
        Assert.Equal((16, 5), (second.Value.Start, second.Value.Length));
        Assert.Equal((0, 21), (root.Start, root.Length));
    }

    [Theory]
    [InlineData("a:(x or y", 9)]
    [InlineData("a:\"unterminated", 2)]
    [InlineData("a:x and ", 8)]
    [InlineData("(a:1", 4)]
    [InlineData("a:x)", 3)]
    [InlineData("a:1 b:2", 5)]
    [InlineData("a:", 2)]
    [InlineData("a:{b:1", 6)]
    [InlineData("a < ", 4)]
    [InlineData(":x", 0)]
    [InlineData("a:cannot be", 5)]
    [InlineData("a:C:\\Windows", 3)]
    public void Syntax_errors_point_where_kibana_stops(string query, int column)
    {
        var diagnostic = ParseError(query);
        Assert.Equal(column, diagnostic.Location.Start.Character);
        Assert.Contains("expected", diagnostic.Message);
    }

    [Fact]
    public void Syntax_error_message_lists_expectations()
    {
        var diagnostic = ParseError("a:(x or y");
        Assert.Equal("KQL syntax error: expected \")\", AND, OR or whitespace but end of input found.", diagnostic.Message);
    }

    [Fact]
    public void Syntax_error_is_located_in_the_rule_file()
    {
        // The query starts at offset 20 of a two-line file: line 2 after "query = '''".
        var file = new Rules.Language.Text.SourceText("rule.toml", "name = \"x\"\nquery = '''a:(x or'''");
        var source = new QuerySource(file, "a:(x or", new Rules.Language.Text.StringSourceMap(22));
        var (_, diagnostics) = KqlParser.Parse(source);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("rule.toml", diagnostic.Location.Path);
        Assert.Equal(1, diagnostic.Location.Start.Line);
        Assert.Equal(18, diagnostic.Location.Start.Character);
    }

    [Fact]
    public void Deep_nesting_is_a_diagnostic_not_a_crash()
    {
        var query = new string('(', 20000) + "a:1" + new string(')', 20000);
        var (_, diagnostics) = KqlParser.Parse(QuerySource.ForText(query));
        Assert.Contains(diagnostics, d => d.Id == "DR4001");
    }
}
