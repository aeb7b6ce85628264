using Rules.Language.Eql;
using Rules.Language.Schema;
using Xunit.Abstractions;

namespace Rules.Tests.Eql;

public class EqlCorpusTests
{
    private readonly ITestOutputHelper _output;

    public EqlCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_corpus_eql_rule_parses()
    {
        var rules = EqlCorpus.Load();
        Assert.Equal(1024, rules.Count);
        var failures = new List<string>();
        foreach (var rule in rules)
        {
            var result = EqlParser.Parse(rule.Source);
            if (result.Query is null || result.Diagnostics.Count > 0)
            {
                failures.AddRange(result.Diagnostics.Select(d => d.ToString()));
            }
        }

        _output.WriteLine($"EQL corpus: {rules.Count - failures.Count}/{rules.Count} parsed");
        foreach (var failure in failures)
        {
            _output.WriteLine(failure);
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Every_corpus_eql_rule_compiles_against_the_built_in_catalog()
    {
        var catalog = FieldCatalog.BuiltIn;
        var rules = EqlCorpus.Load();
        var failures = new List<string>();
        foreach (var rule in rules)
        {
            var result = EqlCompiler.Compile(rule.Source, catalog);
            if (result.Plan is null)
            {
                failures.AddRange(result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()));
            }
        }

        var compiled = rules.Count - failures.Select(f => f.Split('(')[0]).Distinct().Count();
        _output.WriteLine($"EQL corpus: {compiled}/{rules.Count} compiled");
        foreach (var failure in failures)
        {
            _output.WriteLine(failure);
        }

        Assert.Empty(failures);
    }
}
