using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Rules.Runtime;
using Rules.Tests.Generator;

namespace Rules.Tests.Runtime;

public class CorpusAlertingSettingsTests
{
    /// <summary>
    /// Every threshold and new_terms rule of Elastic's corpus that the generator compiles carries its aggregation
    /// settings into the generated metadata, and the runtime understands its schedule and history window.
    /// </summary>
    [Fact]
    public void Corpus_threshold_and_new_terms_rules_carry_their_settings()
    {
        var root = Path.Combine(TestPaths.RepoRoot, "..", "shared", "corpus", "elastic-detection-rules", "rules");
        var files = Directory.EnumerateFiles(root, "*.toml", SearchOption.AllDirectories)
            .Select(path => (path, text: File.ReadAllText(path)))
            .Where(f => f.text.Contains("type = \"threshold\"", StringComparison.Ordinal) || f.text.Contains("type = \"new_terms\"", StringComparison.Ordinal))
            .Select(f => new InMemoryRuleFile("/consumer/rules/" + Path.GetRelativePath(root, f.path).Replace('\\', '/'), f.text))
            .ToArray();
        Assert.True(files.Length > 200, files.Length.ToString());

        var run = GeneratorHarness.Run(files);
        using var image = new MemoryStream();
        var emit = run.Output.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10)));
        image.Position = 0;
        var context = new AssemblyLoadContext("corpus-alerting", isCollectible: true);
        try
        {
            var catalog = context.LoadFromStream(image).GetType("Rules.Generated.DetectionRuleCatalog", throwOnError: true)!;
            var rules = (IReadOnlyList<CompiledRule>)catalog.GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            // Rules with errors in their query produce no class; 242 of 243 compile today.
            Assert.True(rules.Count > files.Length / 2, $"{rules.Count} of {files.Length} compiled");
            foreach (var rule in rules.Select(r => r.Metadata))
            {
                if (rule.Type == "threshold")
                {
                    Assert.True(rule.Threshold is { Value: >= 1 }, rule.RuleId);
                    Assert.All(rule.Threshold!.Cardinality, c => Assert.True(c.Value >= 1 && c.Field.Length > 0, rule.RuleId));
                }
                else
                {
                    Assert.Equal("new_terms", rule.Type);
                    Assert.NotEmpty(rule.NewTerms!.Fields);
                    Assert.True(RuleTiming.TryParseRelative(rule.NewTerms.HistoryWindowStart, out var history) && history > TimeSpan.Zero, rule.RuleId);
                }

                Assert.True(rule.Interval.Length == 0 || RuleTiming.TryParseDuration(rule.Interval, out _), rule.RuleId + " " + rule.Interval);
                Assert.True(rule.From.Length == 0 || RuleTiming.TryParseRelative(rule.From, out _), rule.RuleId + " " + rule.From);
            }

            // A detector over all of them starts (runners for every type) and handles an event.
            var detector = new Detector(rules);
            var alerts = new List<Alert>();
            detector.Process(TestEvents.At(TimeSpan.Zero, ("event.category", new[] { "process" }), ("host.name", "h")), alerts);
            detector.Complete(alerts);
        }
        finally
        {
            context.Unload();
        }
    }
}
