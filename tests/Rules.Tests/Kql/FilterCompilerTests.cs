using Rules.Language.Diagnostics;
using Rules.Language.Documents;
using Rules.Language.Dsl;
using Rules.Language.Ir;
using Rules.Language.Text;
using static Rules.Tests.Kql.KqlTestCatalog;

namespace Rules.Tests.Kql;

/// <summary>Query-DSL filters (rows "DSL ..." of docs/semantics.md).</summary>
public class FilterCompilerTests
{
    private static readonly SourceText File = new("rule.toml", new string(' ', 40) + "[[rule.filters]]\n...");
    private static readonly SourceSpan FilterSpan = new(40, 16);

    private static BoolExpr? Compile(string json, out List<RuleDiagnostic> diagnostics, out bool skipped, bool negate = false, bool disabled = false)
    {
        diagnostics = new List<RuleDiagnostic>();
        return FilterCompiler.Compile(new RuleFilter(json, negate, disabled, FilterSpan), Catalog, File, diagnostics, out skipped);
    }

    private static BoolExpr Ok(string json)
    {
        var result = Compile(json, out var diagnostics, out var skipped);
        Assert.Empty(diagnostics);
        Assert.False(skipped);
        return result!;
    }

    private static RuleDiagnostic Error(string json, string id)
    {
        var result = Compile(json, out var diagnostics, out _);
        Assert.Null(result);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(FilterSpan, diagnostic.Location.Span);
        return diagnostic;
    }

    [Fact]
    public void Dsl_term_on_keyword()
    {
        Assert.Equal(Str("process.name", StringMatchKind.Equals, "cmd.exe"), Ok("{\"query\":{\"term\":{\"process.name\":\"cmd.exe\"}}}"));
        Assert.Equal(Str("process.name", StringMatchKind.Equals, "CMD.exe", caseInsensitive: true), Ok("{\"query\":{\"term\":{\"process.name\":{\"value\":\"CMD.exe\",\"case_insensitive\":true}}}}"));
        Assert.Equal(Cmp("destination.port", CompareOp.Equal, LiteralExpr.Int(443)), Ok("{\"term\":{\"destination.port\":443}}"));
    }

    [Fact]
    public void Dsl_term_on_text_compares_one_token()
    {
        Assert.Equal(Text("message", false, "mimikatz"), Ok("{\"term\":{\"message\":\"mimikatz\"}}"));
        // Tokens are lowercase and single words: these terms can never equal one.
        Assert.Equal(new ConstantExpr(false), Ok("{\"term\":{\"message\":\"Mimikatz\"}}"));
        Assert.Equal(new ConstantExpr(false), Ok("{\"term\":{\"message\":\"two words\"}}"));
    }

    [Fact]
    public void Dsl_terms_is_any() =>
        Assert.Equal(
            Or(Str("process.name", StringMatchKind.Equals, "a"), Str("process.name", StringMatchKind.Equals, "b")),
            Ok("{\"terms\":{\"process.name\":[\"a\",\"b\"]}}"));

    [Fact]
    public void Dsl_match_operator()
    {
        Assert.Equal(Or(Text("message", false, "net"), Text("message", false, "user")), Ok("{\"match\":{\"message\":\"net user\"}}"));
        Assert.Equal(Text("message", false, "net", "user"), Ok("{\"match\":{\"message\":{\"query\":\"net user\",\"operator\":\"and\"}}}"));
        Assert.Equal(Str("process.name", StringMatchKind.Equals, "net user"), Ok("{\"match\":{\"process.name\":\"net user\"}}"));
    }

    [Fact]
    public void Dsl_match_phrase_on_text() =>
        Assert.Equal(Text("message", true, "net", "user"), Ok("{\"match_phrase\":{\"message\":{\"query\":\"Net User\"}}}"));

    [Fact]
    public void Dsl_wildcard_case_insensitive_with_escapes()
    {
        // The corpus shape (execution_posh_hacktool_functions.toml): TOML "?:\\\\ProgramData\\\\..." is the
        // Lucene pattern ?:\\ProgramData\\..., whose \\ is one literal backslash.
        var json = "{\"meta\":{\"negate\":true},\"query\":{\"wildcard\":{\"file.path\":{\"case_insensitive\":true,\"value\":\"?:\\\\\\\\ProgramData\\\\\\\\Microsoft\\\\\\\\*\"}}}}";
        Assert.Equal(new NotExpr(Str("file.path", StringMatchKind.Wildcard, "?:\\ProgramData\\Microsoft\\*", caseInsensitive: true)), Ok(json));
        // A single backslash escapes the next character (defense_evasion_posh_assembly_load.toml: "C:\Program Files\...").
        Assert.Equal(Str("file.path", StringMatchKind.StartsWith, "C:Program Files"), Ok("{\"wildcard\":{\"file.path\":{\"value\":\"C:\\\\Program Files*\"}}}"));
        Assert.Equal(Str("file.path", StringMatchKind.StartsWith, "a*"), Ok("{\"wildcard\":{\"file.path\":\"a\\\\**\"}}"));
        Assert.Equal(Str("file.path", StringMatchKind.Regex, Rules.Language.Eql.LuceneRegex.Translate("a\\*.b", out _)!), Ok("{\"wildcard\":{\"file.path\":\"a\\\\*?b\"}}"));
    }

    [Fact]
    public void Dsl_wildcard_on_text()
    {
        Assert.Equal(new TextTokenWildcardExpr(Bound("message"), new[] { "mimi*" }), Ok("{\"wildcard\":{\"message\":{\"value\":\"mimi*\"}}}"));
        Assert.Equal(new ConstantExpr(false), Ok("{\"wildcard\":{\"message\":{\"value\":\"Mimi*\"}}}"));
        Assert.Equal(new TextTokenWildcardExpr(Bound("message"), new[] { "mimi*" }), Ok("{\"wildcard\":{\"message\":{\"value\":\"Mimi*\",\"case_insensitive\":true}}}"));
    }

    [Fact]
    public void Dsl_prefix() =>
        Assert.Equal(Str("process.name", StringMatchKind.StartsWith, "c*d"), Ok("{\"prefix\":{\"process.name\":{\"value\":\"c*d\"}}}"));

    [Fact]
    public void Dsl_exists()
    {
        // The corpus shape (threat_intel_rapid7_threat_command.toml), negated in meta with $state beside it.
        var json = "{\"$state\":{\"store\":\"appState\"},\"meta\":{\"disabled\":false,\"key\":\"source.ip\",\"negate\":true,\"type\":\"exists\"},\"query\":{\"exists\":{\"field\":\"source.ip\"}}}";
        Assert.Equal(new NotExpr(new ExistsExpr(Bound("source.ip"))), Ok(json));
    }

    [Fact]
    public void Dsl_range_bounds()
    {
        Assert.Equal(
            And(Cmp("destination.port", CompareOp.GreaterOrEqual, LiteralExpr.Int(5800)), Cmp("destination.port", CompareOp.Less, LiteralExpr.Int(5811))),
            Ok("{\"range\":{\"destination.port\":{\"gte\":5800,\"lt\":5811}}}"));
        Error("{\"range\":{\"event.ingested\":{\"gte\":\"now-1d\"}}}", "DR7002");
        Error("{\"range\":{\"destination.port\":{\"gte\":1,\"format\":\"x\"}}}", "DR7002");
    }

    [Fact]
    public void Dsl_bool_clauses()
    {
        var json = "{\"bool\":{\"must\":[{\"term\":{\"process.name\":\"a\"}}],\"filter\":{\"exists\":{\"field\":\"source.ip\"}},\"must_not\":[{\"term\":{\"process.name\":\"b\"}}],\"should\":[{\"term\":{\"process.name\":\"c\"}}]}}";
        // With a must clause, should clauses are optional (minimum_should_match defaults to 0).
        Assert.Equal(
            And(Str("process.name", StringMatchKind.Equals, "a"), new ExistsExpr(Bound("source.ip")), new NotExpr(Str("process.name", StringMatchKind.Equals, "b"))),
            Ok(json));
        Assert.Equal(
            Or(Str("process.name", StringMatchKind.Equals, "a"), Str("process.name", StringMatchKind.Equals, "b")),
            Ok("{\"bool\":{\"should\":[{\"term\":{\"process.name\":\"a\"}},{\"term\":{\"process.name\":\"b\"}}]}}"));
        Assert.Equal(new ConstantExpr(true), Ok("{\"bool\":{}}"));
    }

    [Fact]
    public void Dsl_bool_minimum_should_match()
    {
        var a = Str("process.name", StringMatchKind.Equals, "a");
        var b = Str("process.name", StringMatchKind.Equals, "b");
        var c = Str("process.name", StringMatchKind.Equals, "c");
        const string should = "\"should\":[{\"term\":{\"process.name\":\"a\"}},{\"term\":{\"process.name\":\"b\"}},{\"term\":{\"process.name\":\"c\"}}]";
        Assert.Equal(Or(And(a, b), And(a, c), And(b, c)), Ok("{\"bool\":{" + should + ",\"minimum_should_match\":2}}"));
        Assert.Equal(Or(And(a, b), And(a, c), And(b, c)), Ok("{\"bool\":{" + should + ",\"minimum_should_match\":\"-1\"}}"));
        Assert.Equal(Or(a, b, c), Ok("{\"bool\":{" + should + ",\"minimum_should_match\":\"50%\"}}"));
        Assert.Equal(And(a, b, c), Ok("{\"bool\":{" + should + ",\"minimum_should_match\":\"100%\"}}"));
        Assert.Equal(new ConstantExpr(true), Ok("{\"bool\":{" + should + ",\"minimum_should_match\":0}}"));
    }

    [Fact]
    public void Dsl_negate_and_disabled()
    {
        var negated = Compile("{\"query\":{\"term\":{\"process.name\":\"a\"}}}", out _, out _, negate: true);
        Assert.Equal(new NotExpr(Str("process.name", StringMatchKind.Equals, "a")), negated);
        var disabled = Compile("{\"meta\":{\"disabled\":true},\"query\":{\"term\":{\"nope\":\"a\"}}}", out var diagnostics, out var skipped);
        Assert.Null(disabled);
        Assert.True(skipped);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Dsl_filters_are_anded_with_the_query()
    {
        var query = Str("process.name", StringMatchKind.Equals, "powershell.exe");
        var filters = new[]
        {
            new RuleFilter("{\"meta\":{\"negate\":true},\"query\":{\"exists\":{\"field\":\"source.ip\"}}}", true, false, FilterSpan),
            new RuleFilter("{\"meta\":{\"disabled\":true},\"query\":{\"exists\":{\"field\":\"x\"}}}", false, true, FilterSpan),
            new RuleFilter("{\"query\":{\"term\":{\"process.args\":\"-enc\"}}}", false, false, FilterSpan),
        };
        var diagnostics = new List<RuleDiagnostic>();
        var combined = FilterCompiler.ApplyFilters(query, filters, Catalog, File, diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal(And(query, new NotExpr(new ExistsExpr(Bound("source.ip"))), Str("process.args", StringMatchKind.Equals, "-enc")), combined);
    }

    [Fact]
    public void Dsl_errors()
    {
        Assert.Contains("not valid JSON", Error("{\"query\":", "DR5001").Message);
        Error("[1]", "DR5001");
        Error("{\"meta\":{}}", "DR5001");
        Error("{\"query\":{\"term\":{\"a\":1,\"b\":2}}}", "DR5001");
        Error("{\"query\":{\"bool\":{\"must\":[{\"term\":{}}]}}}", "DR5001");
        Assert.Contains("query_string", Error("{\"query\":{\"query_string\":{\"query\":\"a:b\"}}}", "DR7002").Message);
        Error("{\"query\":{\"term\":{\"nope.field\":\"a\"}}}", "DR6001");
        Error("{\"query\":{\"term\":{\"destination.port\":\"http\"}}}", "DR6003");
        Error("{\"query\":{\"match\":{\"message\":{\"query\":\"a\",\"fuzziness\":2}}}}", "DR7002");
        Assert.Contains("supported: value, case_insensitive", Error("{\"query\":{\"term\":{\"process.name\":{\"value\":\"a\",\"operator\":\"and\"}}}}", "DR7002").Message);
        Error("{\"query\":{\"match\":{\"message\":{\"query\":\"a\",\"operator\":\"xor\"}}}}", "DR5001");
    }
}

public class FilterCorpusTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public FilterCorpusTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Fact]
    public void Corpus_filters_compile()
    {
        var filters = KqlCorpusFilters.Load();
        Assert.Equal(18, filters.Select(f => f.Path).Distinct().Count());
        Assert.Equal(42, filters.Count);
        var catalog = Rules.Language.Schema.FieldCatalog.BuiltIn;

        var compiled = 0;
        var compiledForQueryRules = 0;
        var failures = new List<string>();
        foreach (var filter in filters)
        {
            var diagnostics = new List<RuleDiagnostic>();
            var result = FilterCompiler.Compile(new RuleFilter(filter.Json, filter.Negate, false, new SourceSpan(0, 0)), catalog, new SourceText(filter.Path, ""), diagnostics, out var skipped);
            Assert.False(skipped);
            if (result is not null)
            {
                compiled++;
                compiledForQueryRules += Rules.Language.Compilation.RuleTypeSupport.IsQueryRuleType(filter.Type) ? 1 : 0;
                Assert.IsType<NotExpr>(result);
                continue;
            }

            // Only fields the catalog lacks may fail; the filter itself must be understood.
            Assert.All(diagnostics, d => Assert.Equal("DR6001", d.Id));
            failures.Add($"{filter.Path} ({filter.Type}): {string.Join("; ", diagnostics.Select(d => d.Message))}");
        }

        _output.WriteLine($"Filter corpus: {compiled}/{filters.Count} filters of {filters.Select(f => f.Path).Distinct().Count()} rules compiled");
        failures.ForEach(_output.WriteLine);
        // With the real catalog every filter of a compiled rule type binds (the threat_match rule's field is not
        // in the catalog, which covers the fields of compiled rules).
        Assert.Equal(filters.Count(f => Rules.Language.Compilation.RuleTypeSupport.IsQueryRuleType(f.Type)), compiledForQueryRules);
    }
}

public class FilteredRuleCorpusTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public FilteredRuleCorpusTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Fact]
    public void Corpus_rules_with_filters_compile_query_and_filters_together()
    {
        var catalog = Rules.Language.Schema.FieldCatalog.BuiltIn;

        var queries = KqlCorpus.KqlRules().ToDictionary(r => r.Path);
        var compiled = 0;
        var byRule = KqlCorpusFilters.Load().Where(f => queries.ContainsKey(f.Path)).GroupBy(f => f.Path).ToList();
        foreach (var group in byRule)
        {
            var rule = queries[group.Key];
            var document = new RuleDocument
            {
                Type = rule.Type,
                Language = rule.Language,
                Query = rule.Query,
                Filters = group.Select(f => new RuleFilter(f.Json, f.Negate, false, new SourceSpan(0, 0))).ToArray(),
            };
            var (plan, diagnostics) = Rules.Language.Compilation.RuleCompiler.CompileDocument(document, new SourceText(rule.Path, rule.Query), catalog);
            Assert.DoesNotContain(diagnostics, d => d.IsError);
            var condition = Assert.IsType<EventQueryPlan>(plan).Condition;

            // The query first, then one NOT per (negated) filter.
            var and = Assert.IsType<AndExpr>(condition);
            Assert.Equal(group.Count() + 1, and.Operands.Count);
            Assert.All(and.Operands.Skip(1), operand => Assert.IsType<NotExpr>(operand));
            compiled++;
        }

        _output.WriteLine($"Filtered corpus rules: {compiled}/{byRule.Count} compiled with their filters");
        Assert.Equal(17, compiled);
    }
}
