using Rules.Language.Compilation;
using Rules.Language.Ir;
using Rules.Language.Schema;
using Rules.Runtime;
using Rules.Tests.Generator;
using Xunit.Abstractions;

namespace Rules.Tests.Engine;

/// <summary>
/// The engine's dispatch (by category, then by anchor value) is an optimisation only: over hundreds of real rules
/// and events built to hit their anchors in every case, it must find exactly the rules whose own Matches is true.
/// </summary>
public class DispatchEquivalenceTests(ITestOutputHelper output)
{
    [Fact]
    public void Engine_dispatch_finds_exactly_the_rules_that_match()
    {
        var files = Directory.EnumerateFiles(Path.Combine(TestPaths.Corpus, "rules", "windows"), "*.toml")
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (Path: p, Text: File.ReadAllText(p)))
            .Where(f => RuleCompiler.Compile(f.Path, f.Text, FieldCatalog.BuiltIn).Plan is EventQueryPlan)
            .Select(f => new InMemoryRuleFile(f.Path, f.Text))
            .ToArray();
        var rules = CompiledRuleSet.Compile(files).Rules.Cast<EventRule>().ToArray();
        var anchored = rules.Count(r => r.Anchor is not null);
        output.WriteLine($"{rules.Length} Windows event rules, {anchored} indexed by an anchor value.");
        Assert.True(rules.Length > 300);
        Assert.True(anchored > rules.Length / 3, "Most rules should have an anchor.");

        var engine = new RuleEngine(rules);
        var matches = new List<EventRule>();
        var checkedEvents = 0;
        var positives = 0;
        foreach (var e in EventsHittingEveryAnchor(rules))
        {
            matches.Clear();
            engine.Match(e, matches);
            var expected = rules.Where(r => r.Matches(e)).Select(r => r.Metadata.RuleId).OrderBy(x => x).ToList();
            Assert.Equal(expected, matches.Select(r => r.Metadata.RuleId).OrderBy(x => x).ToList());
            Assert.Equal(matches.Count, matches.Distinct().Count());
            checkedEvents++;
            positives += expected.Count;
        }

        output.WriteLine($"{checkedEvents} events checked, {positives} rule matches agreed.");
        Assert.True(positives > 0);
    }

    private static IEnumerable<EcsEvent> EventsHittingEveryAnchor(IEnumerable<EventRule> rules)
    {
        foreach (var rule in rules)
        {
            var anchor = rule.Anchor;
            var categories = rule.EventCategories.Count == 0 ? new[] { "process" } : rule.EventCategories.ToArray();
            foreach (var value in anchor?.Values ?? new[] { "cmd.exe" })
            {
                foreach (var spelling in new[] { value, value.ToUpperInvariant() })
                {
                    var e = new EcsEvent
                    {
                        Event = new() { Category = categories, Type = new[] { "start", "change", "creation" }, Action = "start" },
                        Host = new() { Os = new() { Type = "windows", Family = "windows" } },
                        Process = new() { Name = "cmd.exe", Executable = "C:\\Windows\\System32\\cmd.exe", Args = new[] { "cmd.exe", "/c", "whoami" }, Parent = new() { Name = "explorer.exe" } },
                    };
                    if (anchor is not null)
                    {
                        e.Set(anchor.FieldPath, spelling);
                    }

                    yield return e;
                }
            }
        }
    }
}
