using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Rules.Tests.Generator;
using Xunit.Abstractions;

namespace Rules.Tests.Sequences;

/// <summary>Every sequence and sample rule of the Elastic corpus goes through the generator and the C# compiler.</summary>
public class SequenceCorpusTests
{
    private static readonly Regex MultiEventQuery = new(@"^query\s*=\s*'''\s*(sequence|sample)\b", RegexOptions.Multiline);

    private readonly ITestOutputHelper _output;

    public SequenceCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Corpus_sequence_rules_generate_code_that_compiles()
    {
        var files = Directory.EnumerateFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (Path: p, Text: File.ReadAllText(p)))
            .Where(f => MultiEventQuery.IsMatch(f.Text))
            .Select(f => new InMemoryRuleFile("/consumer/rules/" + Path.GetRelativePath(TestPaths.Corpus, f.Path).Replace('\\', '/'), f.Text))
            .ToArray();
        Assert.True(files.Length >= 100, "expected the corpus's sequence rules, found " + files.Length);

        var run = GeneratorHarness.Run(files);
        var internalErrors = run.GeneratorDiagnostics.Where(d => d.Id == "DR9001").ToList();
        var otherErrors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "DR9001").ToList();
        var sequenceClasses = run.Sources.Count(s => s.SourceText.ToString().Contains(": global::Rules.Runtime.Sequences.SequenceRule", StringComparison.Ordinal));
        _output.WriteLine($"{files.Length} corpus sequence/sample rules: {sequenceClasses} generated, {otherErrors.Count} rejected by the front end");
        otherErrors.ForEach(d => _output.WriteLine(d.ToString()));

        Assert.Empty(internalErrors);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Equal(files.Length - otherErrors.Select(d => d.Location.GetLineSpan().Path).Distinct().Count(), sequenceClasses);
    }
}
