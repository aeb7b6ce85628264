using System.Text;
using Rules.Runtime;
using Rules.Runtime.Reading;
using Rules.Tests.Generator;

namespace Rules.Tests.Events;

/// <summary>
/// An array given for a field ECS declares single-valued: Elasticsearch indexes every value, so a query term matches
/// when any value matches and its negation only when none does. The reader keeps the first value in the property and
/// every value in overflow, and the generated matchers read them all (docs/event-record.md).
/// </summary>
public class ArraysForSingleValuedFieldsTests
{
    private static EcsEvent Read(string json)
    {
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), new EventReaderOptions { ReuseEvent = false });
        return reader.ReadEvents().Single();
    }

    private static EcsEvent ProcessNamed(string namesJson) =>
        Read("{\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":" + namesJson + ",\"pid\":[5,7]}}");

    [Fact]
    public void Reader_keeps_the_first_value_in_the_property_and_every_value_in_overflow()
    {
        var e = ProcessNamed("[\"a.exe\",\"x.exe\"]");
        Assert.Equal("a.exe", e.Process!.Name);
        Assert.True(e.Overflow.HoldsEcsValues);
        Assert.Equal(new[] { "a.exe", "x.exe" }, e.Overflow.GetStrings(OverflowFieldRegistry.Register("process.name", OverflowKind.String)).ToArray());
        Assert.Equal(new object[] { "a.exe", "x.exe" }, (object[])e["process.name"]!);
        Assert.Equal(5, e.Process.Pid);
        Assert.Equal(new long[] { 5, 7 }, e.Overflow.GetIntegers(OverflowFieldRegistry.Register("process.pid", OverflowKind.Integer)).ToArray());
    }

    [Fact]
    public void A_single_value_sets_no_flag_and_the_flag_clears_with_the_next_event()
    {
        var json = "{\"process\":{\"name\":[\"a\",\"b\"]}}\n{\"process\":{\"name\":\"c\"}}\n";
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        var flags = reader.ReadEvents().Select(e => (e.Process?.Name, e.Overflow.HoldsEcsValues)).ToList();
        Assert.Equal(new[] { ((string?)"a", true), ("c", false) }, flags);
    }

    [Fact]
    public void Setting_several_values_from_code_behaves_as_the_reader()
    {
        var e = new EcsEvent();
        e.Set("process.name", "a.exe", "x.exe");
        Assert.Equal("a.exe", e.Process!.Name);
        Assert.True(e.Overflow.HoldsEcsValues);
        e.Set("process.pid", 5L, 7L);
        Assert.Equal(5, e.Process.Pid);
    }

    [Fact]
    public void Eql_equality_insensitive_match_in_and_wildcard_see_every_value()
    {
        var set = CompiledRuleSet.Compile(
            CompiledRuleSet.Rule("process where process.name == \"x.exe\"", name: "Same name"),
            CompiledRuleSet.Rule("process where process.name : \"X.EXE\"", name: "Colon match"),
            CompiledRuleSet.Rule("process where process.name in (\"q.exe\", \"x.exe\")", name: "In list"),
            CompiledRuleSet.Rule("process where process.name : \"x*\"", name: "Prefix wildcard"),
            CompiledRuleSet.Rule("process where process.name like~ \"*.EXE\" and process.name : \"?.exe\"", name: "Two leaves"),
            CompiledRuleSet.Rule("process where process.pid == 7", name: "Pid number"));
        var both = ProcessNamed("[\"a.exe\",\"x.exe\"]");
        var neither = ProcessNamed("[\"a.exe\",\"b.exe\"]");
        foreach (var name in new[] { "Same name", "Colon match", "In list", "Prefix wildcard", "Two leaves", "Pid number" })
        {
            var rule = Rule(set, name);
            Assert.True(rule.Matches(both), name);
        }

        foreach (var name in new[] { "Same name", "Colon match", "In list", "Prefix wildcard" })
        {
            Assert.False(Rule(set, name).Matches(neither), name);
        }

        // The first value alone still matches as before.
        Assert.True(Rule(set, "Same name").Matches(ProcessNamed("\"x.exe\"")));
    }

    [Fact]
    public void Negations_hold_only_when_no_value_matches()
    {
        var set = CompiledRuleSet.Compile(
            CompiledRuleSet.Rule("process where not process.name == \"x.exe\"", name: "Not equals"),
            CompiledRuleSet.Rule("process where process.name != \"x.exe\"", name: "Name differs"),
            CompiledRuleSet.Rule("process where not process.name : \"x*\"", name: "Not wildcard"),
            CompiledRuleSet.Rule("process where process.name not in (\"x.exe\", \"q.exe\")", name: "Not in"));
        var both = ProcessNamed("[\"a.exe\",\"x.exe\"]");
        var neither = ProcessNamed("[\"a.exe\",\"b.exe\"]");
        foreach (var name in new[] { "Not equals", "Name differs", "Not wildcard", "Not in" })
        {
            Assert.False(Rule(set, name).Matches(both), name);
            Assert.True(Rule(set, name).Matches(neither), name);
        }
    }

    [Fact]
    public void Kql_terms_and_their_negation_see_every_value()
    {
        var set = CompiledRuleSet.Compile(
            CompiledRuleSet.Rule("process.name:x.exe", language: "kuery", name: "Kql term"),
            CompiledRuleSet.Rule("event.category:process and not process.name:x.exe", language: "kuery", name: "Not term"),
            CompiledRuleSet.Rule("process.pid >= 6", language: "kuery", name: "Kql range"));
        var both = ProcessNamed("[\"a.exe\",\"x.exe\"]");
        var neither = ProcessNamed("[\"a.exe\",\"b.exe\"]");
        Assert.True(Rule(set, "Kql term").Matches(both));
        Assert.False(Rule(set, "Kql term").Matches(neither));
        Assert.False(Rule(set, "Not term").Matches(both));
        Assert.True(Rule(set, "Not term").Matches(neither));
        Assert.True(Rule(set, "Kql range").Matches(both));
    }

    [Fact]
    public void Values_of_another_field_do_not_leak_into_a_single_valued_read()
    {
        // The flag is per event, the values per field: an array in process.pid leaves process.name read as one value.
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where process.name == \"x.exe\"")).Single();
        Assert.False(rule.Matches(ProcessNamed("\"a.exe\"")));
        Assert.True(rule.Matches(ProcessNamed("\"x.exe\"")));
    }

    [Fact]
    public void Sequence_keys_join_on_every_value_of_a_single_valued_field()
    {
        var rules = CompiledRuleSet.Compile(CompiledRuleSet.Rule(
            "sequence by process.entity_id [process where process.name == \"a.exe\"] [network where destination.port == 443]",
            name: "Joined")).Rules;
        var detector = new Detector(rules);
        var alerts = new List<Alert>();
        detector.Process(Read("{\"@timestamp\":\"2026-11-20T09:00:00Z\",\"event\":{\"category\":[\"process\"]},\"process\":{\"name\":\"a.exe\",\"entity_id\":[\"p1\",\"p2\"]}}"), alerts);
        detector.Process(Read("{\"@timestamp\":\"2026-11-20T09:00:05Z\",\"event\":{\"category\":[\"network\"]},\"destination\":{\"port\":443},\"process\":{\"entity_id\":\"p2\"}}"), alerts);
        detector.Complete(alerts);
        Assert.Equal(1, detector.SequenceStatistics!.SequencesCompleted);
    }

    [Fact]
    public void The_engine_dispatches_to_a_rule_anchored_on_any_value()
    {
        var set = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where process.name == \"x.exe\"", name: "Anchored name"));
        var rule = Rule(set, "Anchored name");
        Assert.NotNull(rule.Prefilter); // the engine indexes the rule by process.name
        var engine = new RuleEngine(set.Rules);
        var matches = new List<EventRule>();
        engine.Match(ProcessNamed("[\"a.exe\",\"x.exe\"]"), matches);
        Assert.Equal(new[] { rule }, matches);
        matches.Clear();
        engine.Match(ProcessNamed("[\"a.exe\",\"b.exe\"]"), matches);
        Assert.Empty(matches);
    }

    private static EventRule Rule(CompiledRuleSet set, string name) => (EventRule)set.Rules.Single(r => r.Metadata.Name == name);
}
