using Microsoft.CodeAnalysis;
using Rules.Tests.Generator;
using Xunit.Abstractions;

namespace Rules.Tests.Corpus;

/// <summary>
/// The real corpus, the whole way through the generator: every rule of a supported type gets a matcher, and all the
/// generated code compiles, in one compilation, without a warning. Unsupported rule types get DR7001 only.
/// </summary>
public class CorpusGenerationTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_supported_corpus_rule_generates_code_that_compiles_without_warnings()
    {
        var files = Directory.EnumerateFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new InMemoryRuleFile(p, File.ReadAllText(p)))
            .ToArray();
        Assert.Equal(2066, files.Length);

        var run = GeneratorHarness.Run(files);

        // The harness compiles with warnings as errors; the generator's own severity decides here.
        var unsupported = run.GeneratorDiagnostics.Where(d => d.Id == "DR7001").ToList();
        var warnings = run.GeneratorDiagnostics.Where(d => d.Id != "DR7001" && d.DefaultSeverity == DiagnosticSeverity.Warning).ToList();
        var failures = run.GeneratorDiagnostics.Where(d => d.DefaultSeverity == DiagnosticSeverity.Error).ToList();
        var matchers = run.Sources.Count - 1;
        output.WriteLine($"Corpus generation: {matchers} matchers generated from {files.Length} rule files; {unsupported.Count} rules of unsupported types (DR7001); {failures.Count} other diagnostics.");
        foreach (var group in unsupported.GroupBy(d => d.GetMessage().Split('\'')[1]).OrderBy(g => g.Key))
        {
            output.WriteLine($"  unsupported type {group.Key}: {group.Count()}");
        }

        output.WriteLine($"  warnings on compiled rules: {warnings.Count} ({string.Join(", ", warnings.GroupBy(w => w.Id).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"))})");
        foreach (var warning in warnings)
        {
            output.WriteLine("  " + warning);
        }

        foreach (var failure in failures.Take(100))
        {
            output.WriteLine("  " + failure);
        }

        var compilation = run.CompilationDiagnostics;
        output.WriteLine($"Corpus generated code: {compilation.Count} compiler errors or warnings.");
        foreach (var diagnostic in compilation.Take(50))
        {
            output.WriteLine("  " + diagnostic);
        }

        Assert.Empty(failures);
        Assert.Equal(1745, matchers);
        Assert.Equal(2066 - 1745, unsupported.Count);
        Assert.Empty(compilation);
    }
}
