using Rules.Tests.Generator;

namespace Rules.Tests.Diagnostics;

/// <summary>Two rules that claim one class name (DR9002) or one rule_id (DR2004): the first keeps it, the other is
/// reported and gets neither a class nor a catalog entry, so the consumer compiles without C# errors.</summary>
public sealed class DuplicateRuleTests
{
    private static string Rule(string ruleId, string name, string processName) => $$"""
        [rule]
        rule_id = "{{ruleId}}"
        name = "{{name}}"
        description = "Test rule."
        type = "eql"
        language = "eql"
        severity = "low"
        risk_score = 21
        query = 'process where process.name == "{{processName}}"'
        """;

    [Fact]
    public void A_second_rule_with_the_same_class_name_gets_no_class_and_no_catalog_entry()
    {
        var run = GeneratorHarness.Run(
            new InMemoryRuleFile("/consumer/rules/a.toml", Rule("id-a", "Suspicious Tool", "a.exe")),
            new InMemoryRuleFile("/consumer/rules/b.toml", Rule("id-b", "Suspicious tool", "b.exe")));

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("DR9002", diagnostic.Id);
        Assert.Equal("rules/b.toml", diagnostic.Location.GetLineSpan().Path);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Single(run.Sources, s => s.HintName.StartsWith("SuspiciousTool.", StringComparison.Ordinal));
        Assert.Contains("\"a.exe\"", run.Source("SuspiciousTool."), StringComparison.Ordinal);
        var catalog = run.Source("DetectionRuleCatalog");
        Assert.Contains("SuspiciousTool.Instance, // id-a", catalog, StringComparison.Ordinal);
        Assert.DoesNotContain("id-b", catalog, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_rule_with_the_same_rule_id_gets_no_class_and_no_catalog_entry()
    {
        var run = GeneratorHarness.Run(
            new InMemoryRuleFile("/consumer/rules/a.toml", Rule("same-id", "Tool A", "a.exe")),
            new InMemoryRuleFile("/consumer/rules/b.toml", Rule("same-id", "Tool B", "b.exe")));

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("DR2004", diagnostic.Id);
        Assert.Equal("rules/b.toml", diagnostic.Location.GetLineSpan().Path);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Equal(
            new[] { "DetectionRuleCatalog.g.cs", "ToolA" },
            run.Sources.Select(s => s.HintName.Split('.')[0] == "DetectionRuleCatalog" ? s.HintName : s.HintName.Split('.')[0]).OrderBy(n => n, StringComparer.Ordinal));
        var catalog = run.Source("DetectionRuleCatalog");
        Assert.Contains("ToolA.Instance, // same-id", catalog, StringComparison.Ordinal);
        Assert.DoesNotContain("ToolB", catalog, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_with_distinct_names_and_ids_all_compile()
    {
        var run = GeneratorHarness.Run(
            new InMemoryRuleFile("/consumer/rules/a.toml", Rule("id-a", "Tool A", "a.exe")),
            new InMemoryRuleFile("/consumer/rules/b.toml", Rule("id-b", "Tool B", "b.exe")));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        var catalog = run.Source("DetectionRuleCatalog");
        Assert.Contains("ToolA.Instance, // id-a", catalog, StringComparison.Ordinal);
        Assert.Contains("ToolB.Instance, // id-b", catalog, StringComparison.Ordinal);
    }
}
