using System.Globalization;
using Rules.Language.Compilation;
using Rules.Language.Ir;
using Rules.Language.Schema;
using Rules.Runtime;
using Rules.Tests.Generator;
using Xunit.Abstractions;

namespace Rules.Tests.Engine;

/// <summary>
/// The engine's dispatch (by category, then by prefilter) is an optimisation only: over every single-event rule of the
/// corpus and adversarial events - values that hit each prefilter atom in other cases, at other offsets and in
/// non-first array elements, near misses, values synthesised from each rule's own patterns (<c>?</c> and <c>*</c>
/// filled in, case changed) - it must find exactly the rules whose own Matches is true.
/// </summary>
public class DispatchEquivalenceTests(ITestOutputHelper output)
{
    private static readonly Lazy<(EventRule[] Rules, Dictionary<string, EventQueryPlan> Plans)> Corpus = new(CompileCorpus);

    [Fact]
    public void Engine_dispatch_finds_exactly_the_rules_that_match()
    {
        var (rules, plans) = Corpus.Value;
        var prefiltered = rules.Count(r => r.Prefilter is not null);
        output.WriteLine($"{rules.Length} corpus event rules, {prefiltered} with a prefilter, "
            + $"atoms: {string.Join(", ", rules.Where(r => r.Prefilter is not null).SelectMany(r => r.Prefilter!.Atoms).GroupBy(a => a.Kind).Select(g => $"{g.Count()} {g.Key}"))}.");
        Assert.True(rules.Length > 1_400);
        Assert.True(prefiltered > rules.Length * 9 / 10, "Nearly every rule should have a prefilter.");

        var engine = new RuleEngine(rules);
        var matches = new List<EventRule>();
        var checkedEvents = 0;
        var positives = 0;
        foreach (var e in AdversarialEvents(rules, plans))
        {
            matches.Clear();
            engine.Match(e, matches);
            var expected = rules.Where(r => r.Matches(e)).ToList();
            foreach (var rule in expected)
            {
                Assert.True(rule.Prefilter?.Admits(e) ?? true, $"The prefilter of '{rule.Metadata.Name}' rejects an event the rule matches.");
            }

            Assert.Equal(expected.Select(r => r.Metadata.RuleId).OrderBy(x => x, StringComparer.Ordinal), matches.Select(r => r.Metadata.RuleId).OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(matches.Count, matches.Distinct().Count());
            checkedEvents++;
            positives += expected.Count;
        }

        output.WriteLine($"{checkedEvents} events checked, {positives} rule matches agreed.");
        Assert.True(positives > 1_000);
    }

    [Fact]
    public void Engine_match_allocates_nothing_with_the_corpus()
    {
        var (rules, plans) = Corpus.Value;
        var engine = new RuleEngine(rules);
        var events = AdversarialEvents(rules, plans).Take(3_000).ToArray();
        var matches = new List<EventRule>(rules.Length);
        foreach (var e in events)
        {
            matches.Clear();
            engine.Match(e, matches);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var e in events)
        {
            matches.Clear();
            engine.Match(e, matches);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static (EventRule[] Rules, Dictionary<string, EventQueryPlan> Plans) CompileCorpus()
    {
        var plans = new Dictionary<string, EventQueryPlan>(StringComparer.Ordinal);
        var files = new List<InMemoryRuleFile>();
        foreach (var path in Directory.EnumerateFiles(TestPaths.Corpus, "*.toml", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            var text = File.ReadAllText(path);
            var compilation = RuleCompiler.Compile(path, text, FieldCatalog.BuiltIn);
            if (compilation.Plan is EventQueryPlan plan && compilation.Diagnostics.Count == 0 && compilation.Rule is { } rule && plans.TryAdd(rule.RuleId, plan))
            {
                files.Add(new InMemoryRuleFile(path, text));
            }
        }

        var compiled = CompiledRuleSet.Compile(files.ToArray()).Rules.OfType<EventRule>().ToArray();
        return (compiled, plans);
    }

    private static IEnumerable<EcsEvent> AdversarialEvents(IEnumerable<EventRule> rules, Dictionary<string, EventQueryPlan> plans)
    {
        foreach (var rule in rules)
        {
            var categories = rule.EventCategories.Count == 0 ? new[] { "process" } : rule.EventCategories.ToArray();
            var produced = 0;
            foreach (var (path, isArray, value) in AtomHits(rule).Concat(PatternHits(plans[rule.Metadata.RuleId])).Take(24))
            {
                yield return Event(categories, (path, isArray, value));
                produced++;
            }

            // Every leaf of the rule satisfied at once: the event most likely to match the whole rule.
            var all = PatternHits(plans[rule.Metadata.RuleId]).GroupBy(h => h.Path).Select(g => g.First()).ToArray();
            yield return Event(categories, all);
            yield return Event(categories, all.Select(h => (h.Path, h.IsArray, h.Value.ToUpperInvariant())).ToArray());
            // Category dispatch: several categories (known and unknown, repeated), only unknown ones, none at all.
            yield return Event(new[] { "network" }.Concat(categories).Append("zz-unknown").Append(categories[0]).ToArray(), all);
            yield return Event(new[] { "zz-unknown" }, all);
            yield return Event(Array.Empty<string>(), all);
            yield return Event(null, all);
            // Every value as the second element of an array: spilled to overflow for single-valued ECS fields.
            yield return Event(categories, all.Select(h => (h.Path, true, h.Value)).ToArray());
            if (produced == 0)
            {
                yield return Event(categories);
            }
        }
    }

    private static EcsEvent Event(string[]? categories, params (string Path, bool IsArray, string Value)[] fields)
    {
        var e = new EcsEvent
        {
            Event = new() { Category = categories, Type = new[] { "start", "change", "creation" }, Action = "start" },
            Host = new() { Os = new() { Type = "windows", Family = "windows" } },
            Process = new() { Name = "cmd.exe", Executable = "C:\\Windows\\System32\\cmd.exe", Args = new[] { "cmd.exe", "/c", "whoami" }, Parent = new() { Name = "explorer.exe" } },
        };
        foreach (var (path, isArray, value) in fields)
        {
            // A single-valued ECS integer field gets numbers (an array of them spills to overflow, as from the reader).
            if (IsSingleValuedEcsInteger(path) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                if (isArray)
                {
                    e.Set(path, number + 1, number);
                }
                else
                {
                    e.Set(path, number);
                }

                continue;
            }

            if (isArray)
            {
                e.Set(path, "decoy", value);
            }
            else
            {
                e.Set(path, value);
            }
        }

        return e;
    }

    private static bool IsSingleValuedEcsInteger(string path) =>
        FieldCatalog.BuiltIn.TryGetField(path, out var field) && field.IsEcs && !field.IsArray && field.ValueKind == FieldValueKind.Integer;

    /// <summary>Values that pass each atom (in three spellings) and values that just miss it.</summary>
    private static IEnumerable<(string Path, bool IsArray, string Value)> AtomHits(EventRule rule)
    {
        foreach (var atom in (rule.Prefilter?.Atoms ?? Array.Empty<PrefilterAtom>()).Where(a => a.Kind != PrefilterAtomKind.Exists))
        {
            if (atom.Field.ReadInteger is not null)
            {
                // The value, its neighbours, and the value as the second element of an array.
                var number = long.Parse(atom.Literal, CultureInfo.InvariantCulture);
                yield return (atom.Field.Path, false, atom.Literal);
                yield return (atom.Field.Path, false, (number + 1).ToString(CultureInfo.InvariantCulture));
                yield return (atom.Field.Path, true, atom.Literal);
                continue;
            }

            var isArray = atom.Field.ReadSingle is null;
            var hit = atom.Kind switch
            {
                PrefilterAtomKind.Exact => atom.Literal,
                PrefilterAtomKind.Prefix => new string('C', atom.Offset) + atom.Literal + "tail",
                PrefilterAtomKind.Suffix => "head" + atom.Literal,
                _ => "head" + atom.Literal + "tail",
            };
            yield return (atom.Field.Path, isArray, hit);
            yield return (atom.Field.Path, isArray, hit.ToUpperInvariant());
            yield return (atom.Field.Path, isArray, hit.ToLowerInvariant());
            if (atom.Kind == PrefilterAtomKind.Prefix)
            {
                yield return (atom.Field.Path, isArray, "X" + hit);
            }
        }
    }

    /// <summary>Values synthesised from every string test in the condition (under NOT too): wildcards filled in; and
    /// from every integer equality, the integer.</summary>
    private static IEnumerable<(string Path, bool IsArray, string Value)> PatternHits(EventQueryPlan plan)
    {
        foreach (var compare in Leaves(plan.Condition).OfType<CompareExpr>())
        {
            if (compare is { Left: FieldExpr { Field: var field }, Right: LiteralExpr { LiteralType: IrType.Integer } literal }
                && IsSingleValuedEcsInteger(field.Path))
            {
                yield return (field.Path, false, literal.Integer.ToString(CultureInfo.InvariantCulture));
            }
        }

        foreach (var match in Leaves(plan.Condition).OfType<StringMatchExpr>())
        {
            if (match.Target is not FieldExpr { Field: var field } || match.Kind == StringMatchKind.Regex || field.ValueKind != FieldValueKind.String)
            {
                continue;
            }

            var isArray = field.IsArray || !field.IsEcs;
            foreach (var pattern in match.Patterns.Take(3))
            {
                var value = match.Kind switch
                {
                    StringMatchKind.Wildcard => pattern.Replace("*", "Zz").Replace('?', 'C'),
                    StringMatchKind.StartsWith => pattern + "Zz",
                    StringMatchKind.EndsWith => "Zz" + pattern,
                    StringMatchKind.Contains => "Zz" + pattern + "Zz",
                    _ => pattern,
                };
                yield return (field.Path, isArray, value);
                yield return (field.Path, isArray, value.ToUpperInvariant());
                if (match.Kind == StringMatchKind.Wildcard)
                {
                    yield return (field.Path, isArray, pattern.Replace("*", string.Empty).Replace('?', 'd'));
                }
            }
        }
    }

    private static IEnumerable<BoolExpr> Leaves(BoolExpr expr) => expr switch
    {
        AndExpr and => and.Operands.SelectMany(Leaves),
        OrExpr or => or.Operands.SelectMany(Leaves),
        NotExpr not => Leaves(not.Operand),
        _ => new[] { expr },
    };
}
