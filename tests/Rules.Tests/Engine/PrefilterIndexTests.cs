using Rules.Runtime;

namespace Rules.Tests.Engine;

/// <summary>
/// The per-field prefilter index (exact hash, prefix tries per offset, suffix trie, vectorised contains search) must
/// mark exactly the rules whose atoms the naive reference (<see cref="PrefilterAtom.IsMatch"/>) admits, and its case
/// fold must agree with the matchers' OrdinalIgnoreCase, or the index could drop a rule that matches.
/// </summary>
public class PrefilterIndexTests
{
    [Fact]
    public void Case_fold_equates_everything_the_matchers_equate_with_an_ASCII_literal_character()
    {
        Span<char> literal = stackalloc char[1];
        Span<char> value = stackalloc char[1];
        for (var a = (char)0; a < 0x80; a++)
        {
            literal[0] = a;
            for (var v = 0; v <= char.MaxValue; v++)
            {
                value[0] = (char)v;
                var folded = CaseFolding.Fold((char)v) == CaseFolding.Fold(a);
                var ordinalIgnoreCase = MemoryExtensions.Equals(value, literal, StringComparison.OrdinalIgnoreCase);
                Assert.True(!ordinalIgnoreCase || folded, $"U+{v:X4} vs '{a}': OrdinalIgnoreCase equal, fold not");

                // WildcardPattern's '?' path compares characters by ToUpperInvariant: whatever it equates, the fold does.
                Assert.True(char.ToUpperInvariant((char)v) != char.ToUpperInvariant(a) || folded, $"U+{v:X4} vs '{a}' by ToUpperInvariant");

                // On ASCII text the fold is OrdinalIgnoreCase exactly (the contains search relies on it).
                Assert.True(v >= 0x80 || ordinalIgnoreCase == folded, $"U+{v:X4} vs '{a}' on ASCII");
            }
        }

        // The edges: the long s folds like ToUpperInvariant (which OrdinalIgnoreCase does not), the Kelvin sign does not fold to K.
        Assert.Equal('S', CaseFolding.Fold('\u017F'));
        Assert.NotEqual('K', CaseFolding.Fold('\u212A'));
    }

    // Short literals over a small alphabet recur and overlap; long ones built from a few shared heads ("C:\Windows\" ...)
    // make the tries' compressed edges: chains shared by many literals, literals ending inside another's chain, values
    // leaving a chain midway.
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(6, true)]
    [InlineData(7, true)]
    public void Index_marks_exactly_the_rules_the_reference_admits(int seed, bool sharedHeads)
    {
        var random = new Random(seed);
        // 'ſ', 'ı' and the Kelvin sign test the fold's edges.
        const string alphabet = "abAB\\:.xX\u017F\u0131\u212As";
        string[] heads = { "c:\\windows\\", "C:\\WINDOWS\\system32\\", "c:\\win", "\\device\\", "ab", string.Empty };
        string Head() => sharedHeads ? heads[random.Next(heads.Length)] : string.Empty;
        string Text(int min, int max) => Head() + new string(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        string AsciiText(int min, int max) => new(Text(min, max).Select(c => c < 0x80 ? c : 'a').ToArray());

        var field = PrefilterField.Single("test.field", static e => e.Process?.Name);
        for (var round = 0; round < 20; round++)
        {
            var atoms = new List<(PrefilterAtom Atom, int Rule)>();
            var rules = random.Next(1, 150);
            for (var rule = 0; rule < rules; rule++)
            {
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    var atom = random.Next(4) switch
                    {
                        0 => field.Exact(AsciiText(0, 4)),
                        1 => field.Prefix(AsciiText(1, 4), offset: random.Next(3)),
                        2 => field.Suffix(AsciiText(1, 4) + Head()),
                        _ => field.Contains(AsciiText(1, 4)),
                    };
                    atoms.Add((atom, rule));
                }
            }

            var index = FieldPrefilterIndex.Build(atoms);
            var words = (rules + 63) / 64;
            for (var v = 0; v < 300; v++)
            {
                var value = random.Next(4) switch
                {
                    0 => new string(Text(0, 12).Reverse().ToArray()),
                    1 => Text(0, 6) + Head(),
                    _ => Text(0, 12),
                };
                var marked = new ulong[words];
                index.Probe(value, marked);
                var expected = atoms.Where(a => a.Atom.IsMatch(value)).Select(a => a.Rule).ToHashSet();
                for (var rule = 0; rule < rules; rule++)
                {
                    var isMarked = (marked[rule >> 6] & (1UL << (rule & 63))) != 0;
                    Assert.True(expected.Contains(rule) == isMarked,
                        $"seed {seed}, value \"{value}\", rule {rule}: reference {expected.Contains(rule)}, index {isMarked}; atoms {string.Join("; ", atoms.Where(a => a.Rule == rule).Select(a => a.Atom))}");
                }
            }
        }
    }

    [Fact]
    public void Engine_reads_every_element_of_arrays_and_non_ECS_fields()
    {
        var onArgs = new ProbeRule("args", new RulePrefilter(PrefilterField.Array("process.args", static e => e.Process?.Args).Contains("-ENC")));
        var overflow = OverflowFieldRegistry.Register("custom.prefilter.test", OverflowKind.String);
        var onCustom = new ProbeRule("custom", new RulePrefilter(PrefilterField.NonEcs(overflow).Suffix(".ps1")));
        var always = new ProbeRule("always", null);
        var engine = new RuleEngine(new EventRule[] { onArgs, onCustom, always });
        var matches = new List<EventRule>();

        var e = new EcsEvent { Event = new() { Category = new[] { "process" } }, Process = new() { Args = new[] { "powershell.exe", null!, "x -enc AAAA" } } };
        e.Set("custom.prefilter.test", "first", "C:\\Temp\\RUN.PS1");
        engine.Match(e, matches);
        Assert.Equal(new[] { "args", "custom", "always" }, matches.Select(r => r.Metadata.RuleId));

        matches.Clear();
        engine.Match(new EcsEvent { Event = new() { Category = new[] { "process" } } }, matches);
        Assert.Equal(new[] { "always" }, matches.Select(r => r.Metadata.RuleId));
    }

    [Fact]
    public void Engine_looks_up_integer_fields_by_value_including_every_spilled_value()
    {
        var port = PrefilterField.Integer("destination.port", static e => e.Destination?.Port, "destination", static e => e.Destination is not null);
        var telnet = new ProbeRule("telnet", new RulePrefilter(port.Exact(23), port.Exact(2323)), new[] { "network" });
        var rdp = new ProbeRule("rdp", new RulePrefilter(port.Exact(3389)), new[] { "network" });
        var engine = new RuleEngine(new EventRule[] { telnet, rdp });
        var matches = new List<EventRule>();
        IEnumerable<string> Match(EcsEvent e)
        {
            matches.Clear();
            engine.Match(e, matches);
            foreach (var rule in new EventRule[] { telnet, rdp })
            {
                // The engine agrees with the reference semantics.
                Assert.Equal(rule.Prefilter!.Admits(e), matches.Contains(rule));
            }

            return matches.Select(r => r.Metadata.RuleId);
        }

        EcsEvent Network() => new() { Event = new() { Category = new[] { "network" } } };
        var single = Network();
        single.Destination = new() { Port = 2323 };
        Assert.Equal(new[] { "telnet" }, Match(single));

        // An array for the single-valued port: the property keeps the first value, overflow all of them.
        var spilled = Network();
        spilled.Set("destination.port", 80L, 3389L);
        Assert.Equal(new[] { "rdp" }, Match(spilled));

        var other = Network();
        other.Destination = new() { Port = 24 };
        Assert.Empty(Match(other));
        Assert.Empty(Match(Network()));

        // Only exact values index an integer field.
        Assert.Throws<InvalidOperationException>(() => port.Prefix("2"));
        Assert.Throws<InvalidOperationException>(() => PrefilterField.Single("process.name", static e => e.Process?.Name).Exact(23));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Engine_admits_exactly_the_rules_whose_categories_and_conditions_all_hold(int seed, bool searchesInLaterConditions)
    {
        var random = new Random(seed);
        const string alphabet = "abAB\\:.x";
        string Text(int min, int max) => new(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        var customPath = "custom.engine.test" + seed;
        var fields = new[]
        {
            PrefilterField.Single("process.name", static e => e.Process?.Name, "process", static e => e.Process is not null),
            PrefilterField.Single("host.os.type", static e => e.Host?.Os?.Type, "host", static e => e.Host is not null),
            PrefilterField.Array("process.args", static e => e.Process?.Args, "process", static e => e.Process is not null),
            PrefilterField.Single("file.path", static e => e.File?.Path, "file", static e => e.File is not null),
            PrefilterField.NonEcs(OverflowFieldRegistry.Register(customPath, OverflowKind.String)),
        };
        var presence = PrefilterField.Presence("file.path", static e => e.File?.Path is not null, "file", static e => e.File is not null);
        var categories = new[] { "process", "file", "network" };
        PrefilterAtom Atom(bool first)
        {
            var field = fields[random.Next(fields.Length)];
            return random.Next(first || searchesInLaterConditions ? 6 : 4) switch
            {
                0 or 1 => field.Exact(Text(0, 3)),
                2 => field.Prefix(Text(1, 3), offset: random.Next(2)),
                3 => field.Suffix(Text(1, 3)),
                4 => field.Contains(Text(1, 3)),
                _ => presence.Exists(),
            };
        }

        // Many rules share some atoms (dense marks), others have their own.
        var shared = Enumerable.Range(0, 4).Select(_ => Atom(first: false)).ToArray();
        var rules = new List<ProbeRule>();
        for (var id = 0; id < 300; id++)
        {
            RulePrefilter? prefilter = null;
            if (random.Next(10) > 0)
            {
                var conditions = Enumerable.Range(0, random.Next(1, 5))
                    .Select(k => Enumerable.Range(0, random.Next(1, 4)).Select(_ => k > 0 && random.Next(2) == 0 ? shared[random.Next(shared.Length)] : Atom(k == 0)).ToArray())
                    .ToArray();
                prefilter = RulePrefilter.AllOf(conditions);
            }

            var ruleCategories = categories.Where(_ => random.Next(3) == 0).ToArray();
            rules.Add(new ProbeRule("r" + id, prefilter, ruleCategories));
        }

        var engine = new RuleEngine(rules);
        var matches = new List<EventRule>();
        for (var n = 0; n < 2_000; n++)
        {
            var e = new EcsEvent
            {
                Event = random.Next(8) == 0 ? null : new() { Category = categories.Append("zz").Where(_ => random.Next(3) == 0).ToArray() },
                Host = random.Next(4) == 0 ? null : new() { Os = new() { Type = Text(0, 3) } },
            };
            if (random.Next(3) > 0)
            {
                e.Set("process.name", Text(0, 4));
            }

            if (random.Next(3) == 0)
            {
                e.Set("process.args", Text(0, 4), Text(0, 4));
            }

            if (random.Next(3) == 0)
            {
                // Sometimes an array for the single-valued field: spilled to overflow.
                if (random.Next(2) == 0)
                {
                    e.Set("file.path", Text(0, 4));
                }
                else
                {
                    e.Set("file.path", Text(0, 4), Text(0, 4));
                }
            }

            if (random.Next(3) == 0)
            {
                e.Set(customPath, Text(0, 4), Text(0, 4));
            }

            matches.Clear();
            engine.Match(e, matches);
            var expected = rules.Where(r => (r.EventCategories.Count == 0 || r.EventCategories.Any(c => e.Event?.Category?.Contains(c) == true))
                && (r.Prefilter?.Admits(e) ?? true)).Select(r => r.Metadata.RuleId);
            Assert.Equal(expected, matches.Select(r => r.Metadata.RuleId));
        }
    }

    /// <summary>A rule whose condition always holds: the engine then returns exactly what its prefilter admits.</summary>
    private sealed class ProbeRule(string id, RulePrefilter? prefilter, string[]? categories = null)
        : EventRule(new RuleMetadata { RuleId = id, Name = id, Type = "query", Severity = "low" }, categories ?? new[] { "process" })
    {
        public override RulePrefilter? Prefilter => prefilter;

        public override bool Matches(EcsEvent e) => MatchesCondition(e);

        public override bool MatchesCondition(EcsEvent e) => true;
    }
}
