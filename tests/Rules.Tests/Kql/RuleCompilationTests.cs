using Rules.Language.Compilation;
using Rules.Language.Documents;
using Rules.Language.Ir;
using Rules.Language.Kql;
using Rules.Language.Text;
using Xunit.Abstractions;
using static Rules.Tests.Kql.KqlTestCatalog;

namespace Rules.Tests.Kql;

public class RuleCompilationTests
{
    private readonly ITestOutputHelper _output;

    public RuleCompilationTests(ITestOutputHelper output) => _output = output;

    private const string File = "[rule]\nname = \"t\"\ntype = \"query\"\nlanguage = \"kuery\"\nquery = '''process.name:cmd.exe and destination.port:x'''\n";

    private static RuleDocument Rule(string type = "query", string language = "kuery", string query = "process.name:cmd.exe and destination.port:x", params RuleFilter[] filters) => new()
    {
        Name = "t",
        Type = type,
        Language = language,
        Query = query,
        QuerySpan = new SourceSpan(File.IndexOf("'''", StringComparison.Ordinal) + 3, query.Length),
        Filters = filters,
    };

    [Fact]
    public void Query_errors_point_into_the_rule_file()
    {
        var (plan, diagnostics) = RuleCompiler.CompileDocument(Rule(), new SourceText("rule.toml", File), Catalog);
        Assert.Null(plan);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("DR6003", diagnostic.Id);
        Assert.Equal("rule.toml", diagnostic.Location.Path);
        Assert.Equal(4, diagnostic.Location.Start.Line);
        Assert.Equal(File.Split('\n')[4].IndexOf(":x", StringComparison.Ordinal) + 1, diagnostic.Location.Start.Character);
    }

    [Fact]
    public void Query_and_filters_make_one_event_plan()
    {
        var filter = new RuleFilter("{\"meta\":{\"negate\":true},\"query\":{\"exists\":{\"field\":\"source.ip\"}}}", true, false, new SourceSpan(0, 6));
        var (plan, diagnostics) = RuleCompiler.CompileDocument(Rule(query: "process.name:cmd.exe", filters: filter), new SourceText("rule.toml", File), Catalog);
        Assert.Empty(diagnostics);
        var eventPlan = Assert.IsType<EventQueryPlan>(plan);
        Assert.Empty(eventPlan.Categories);
        Assert.Equal(And(Str("process.name", StringMatchKind.Equals, "cmd.exe"), new NotExpr(new ExistsExpr(Bound("source.ip")))), eventPlan.Condition);
    }

    [Fact]
    public void Lucene_queries_are_DR7003() =>
        Assert.Equal("DR7003", Assert.Single(RuleCompiler.CompileDocument(Rule(language: "lucene"), new SourceText("rule.toml", File), Catalog).Diagnostics).Id);

    [Theory]
    [InlineData("threat_match")]
    [InlineData("esql")]
    [InlineData("machine_learning")]
    public void Unsupported_rule_types_warn_DR7001_at_the_type_key(string type)
    {
        var (plan, diagnostics) = RuleCompiler.CompileDocument(Rule(type: type), new SourceText("rule.toml", File), Catalog);
        Assert.Null(plan);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("DR7001", diagnostic.Id);
        Assert.False(diagnostic.IsError);
        Assert.Equal((2, 0), (diagnostic.Location.Start.Line, diagnostic.Location.Start.Character));
        Assert.Contains(type, diagnostic.Message);
    }

    [Fact]
    public void Corpus_unsupported_rule_types_are_counted_and_warned()
    {
        var counts = new Dictionary<string, int>();
        foreach (var rule in KqlCorpus.Load())
        {
            var document = new RuleDocument { Type = rule.Type, Name = rule.Path };
            var diagnostic = RuleTypeSupport.Check(document, new SourceText(rule.Path, System.IO.File.ReadAllText(Path.Combine(TestPaths.Corpus, rule.Path))));
            if (RuleTypeSupport.IsUnsupportedRuleType(rule.Type))
            {
                Assert.NotNull(diagnostic);
                Assert.Equal("DR7001", diagnostic!.Id);
                var text = System.IO.File.ReadAllText(Path.Combine(TestPaths.Corpus, rule.Path));
                Assert.StartsWith($"type = \"{rule.Type}\"", text.Substring(diagnostic.Location.Span.Start));
                counts[rule.Type] = counts.GetValueOrDefault(rule.Type) + 1;
            }
            else
            {
                Assert.Null(diagnostic);
            }
        }

        _output.WriteLine("KQL corpus: unsupported rule types (DR7001): " + string.Join(", ", counts.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")));
        Assert.Equal(6, counts["threat_match"]);
        Assert.Equal(209, counts["esql"]);
        Assert.Equal(106, counts["machine_learning"]);
    }
}
