using Rules.Language.Binding;
using Rules.Language.Kql;
using Rules.Language.Schema;
using Xunit.Abstractions;

namespace Rules.Tests.Kql;

public class KqlCorpusTests
{
    private readonly ITestOutputHelper _output;

    public KqlCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_corpus_kql_rule_parses()
    {
        var rules = KqlCorpus.KqlRules();
        Assert.Equal(721, rules.Count);
        var failures = new List<string>();
        foreach (var rule in rules)
        {
            Assert.Equal("kuery", rule.Language);
            var (query, diagnostics) = KqlParser.Parse(QuerySource.ForText(rule.Query, rule.Path));
            if (query is null || diagnostics.Count > 0)
            {
                failures.Add($"{rule.Path}: {string.Join("; ", diagnostics)}");
            }
        }

        _output.WriteLine($"KQL corpus: {rules.Count - failures.Count}/{rules.Count} parsed");
        foreach (var failure in failures)
        {
            _output.WriteLine(failure);
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Corpus_kql_rules_compile_against_the_builtin_catalog()
    {
        var catalog = FieldCatalog.BuiltIn;

        var rules = KqlCorpus.KqlRules();
        var compiled = 0;
        var byId = new Dictionary<string, int>();
        var failures = new List<string>();
        var warned = new List<string>();
        var nodeKinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var (condition, diagnostics) = KqlCompiler.Compile(QuerySource.ForText(rule.Query, rule.Path), catalog);
            if (diagnostics.Any(d => !d.IsError))
            {
                warned.Add(rule.Path + ": " + string.Join(", ", diagnostics.Where(d => !d.IsError).Select(d => d.Id)));
            }

            if (condition is not null && !diagnostics.Any(d => d.IsError))
            {
                compiled++;
                CountNodes(condition, nodeKinds);
                continue;
            }

            foreach (var diagnostic in diagnostics.Where(d => d.IsError))
            {
                byId[diagnostic.Id] = byId.GetValueOrDefault(diagnostic.Id) + 1;
                failures.Add(diagnostic.ToString());
            }
        }

        _output.WriteLine($"KQL corpus: {compiled}/{rules.Count} compiled, {warned.Count} with warnings");
        foreach (var line in warned)
        {
            _output.WriteLine("  warning " + line);
        }

        _output.WriteLine("IR leaves: " + string.Join(", ", nodeKinds.Select(p => $"{p.Key} {p.Value}")));

        foreach (var pair in byId.OrderBy(p => p.Key))
        {
            _output.WriteLine($"  {pair.Key}: {pair.Value}");
        }

        foreach (var failure in failures)
        {
            _output.WriteLine(failure);
        }

        // Every query, new_terms and threshold rule compiles (the listed failures say why one does not).
        Assert.Equal(721, rules.Count);
        Assert.True(compiled == rules.Count, $"only {compiled}/{rules.Count} compiled");

        // The 6 Azure field-pattern clauses (DR4002); the GCP nested query is exact now, so nothing else warns.
        Assert.Equal(6, warned.Count);
        Assert.All(warned, w => Assert.EndsWith(": DR4002", w, StringComparison.Ordinal));
    }

    private static void CountNodes(Rules.Language.Ir.BoolExpr expr, SortedDictionary<string, int> counts)
    {
        switch (expr)
        {
            case Rules.Language.Ir.AndExpr and:
                foreach (var operand in and.Operands)
                {
                    CountNodes(operand, counts);
                }

                return;
            case Rules.Language.Ir.OrExpr or:
                foreach (var operand in or.Operands)
                {
                    CountNodes(operand, counts);
                }

                return;
            case Rules.Language.Ir.NotExpr not:
                CountNodes(not.Operand, counts);
                return;
            case Rules.Language.Ir.NestedExpr nested:
                counts["Nested"] = counts.GetValueOrDefault("Nested") + 1;
                CountNodes(nested.Condition, counts);
                return;
        }

        var name = expr switch
        {
            Rules.Language.Ir.StringMatchExpr s => "StringMatch." + s.Kind,
            Rules.Language.Ir.TextMatchExpr t => t.Phrase ? "TextMatch.Phrase" : "TextMatch.Tokens",
            Rules.Language.Ir.CompareExpr c => "Compare." + c.Right.Type,
            _ => expr.GetType().Name.Replace("Expr", ""),
        };
        counts[name] = counts.GetValueOrDefault(name) + 1;
    }
}
