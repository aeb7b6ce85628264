using Microsoft.CodeAnalysis;
using Rules.Runtime;
using Rules.Runtime.Sequences;
using Rules.Tests.Generator;
using static Rules.Tests.Sequences.SequenceTestRules;

namespace Rules.Tests.Sequences;

/// <summary>The generated sequence and sample classes: shape, metadata, and what the runtime reads from them.</summary>
public class SequenceEmissionTests
{
    [Fact]
    public void Every_test_rule_compiles_without_generator_diagnostics()
    {
        Assert.Empty(Run.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.All(All, rule => Assert.IsAssignableFrom<SequenceRule>(rule));
    }

    [Fact]
    public void Sequence_class_has_named_stage_predicates_and_key_extraction()
    {
        var source = Run.Source("MissingMiddle.");
        Assert.Contains(": global::Rules.Runtime.Sequences.SequenceRule", source, StringComparison.Ordinal);
        Assert.Contains("private static bool Stage1Matches(", source, StringComparison.Ordinal);
        Assert.Contains("private static bool Stage2Keys(", source, StringComparison.Ordinal);
        Assert.Contains("missingStages: new bool[] { false, true, false }", source, StringComparison.Ordinal);
        Assert.Contains("maxSpanMilliseconds: 10000L", source, StringComparison.Ordinal);
        // Leaf checks are the same named methods event rules get, shared by the stages that use them.
        Assert.Contains("private static bool ProcessNameIs", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_expand_into_stage_indexes_that_map_back_to_the_written_stage()
    {
        var rule = Get("Runs");
        Assert.Equal(4, rule.StageCount);
        Assert.Contains("0 or 1 or 2 => Stage1Matches(e)", Run.Source("Runs."), StringComparison.Ordinal);
        var failure = Event(0, "authentication", ("event.outcome", "failure"), ("user.name", "bob"));
        Assert.True(rule.MatchesStage(2, failure));
        Assert.False(rule.MatchesStage(3, failure));
        Assert.False(rule.MatchesStage(4, failure));
    }

    [Fact]
    public void Metadata_categories_keys_and_pipes_reach_the_runtime()
    {
        var until = Get("Until");
        Assert.True(until.HasUntil);
        Assert.Equal(new[] { "process" }, until.EventCategories);
        Assert.Equal(1, until.KeyCount);
        Assert.Null(until.MaxSpanMilliseconds);

        var sample = Get("Sample");
        Assert.Equal(SequenceRuleKind.Sample, sample.Kind);
        Assert.Equal(new[] { "process", "network" }, sample.EventCategories);

        Assert.Equal(new[] { new SequencePipe(SequencePipeKind.Tail, 1) }, Get("Tail").Pipes);
        Assert.Equal(SequenceRuleKind.Sequence, Get("Head").Kind);
    }

    [Fact]
    public void Key_extraction_returns_the_events_own_strings()
    {
        var rule = Get("StageKeys");
        var e = Event(0, "process", ("process.name", "child.exe"), ("process.parent.entity_id", "P"), ("host.name", "h1"));
        var keys = new SequenceKeyBuffer(2);
        Assert.True(rule.TryGetStageKeys(1, e, keys));
        Assert.Same(e.Host!.Name, Assert.Single(keys.Values(0)));
        Assert.Same(e.Process!.Parent!.EntityId, Assert.Single(keys.Values(1)));
        Assert.False(rule.TryGetStageKeys(0, e, keys)); // stage 1 keys by process.entity_id, absent here
    }

    [Fact]
    public void Stage_predicates_and_string_key_extraction_do_not_allocate()
    {
        var rule = Get("StageKeys");
        var e = Event(0, "process", ("process.name", "child.exe"), ("process.parent.entity_id", "P"), ("host.name", "h1"));
        var keys = new SequenceKeyBuffer(2);
        rule.MatchesStage(0, e);
        rule.MatchesStage(1, e);
        rule.TryGetStageKeys(1, e, keys);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            rule.MatchesStage(0, e);
            rule.MatchesStage(1, e);
            rule.TryGetStageKeys(1, e, keys);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Pipes_on_an_event_query_are_reported_not_crashed()
    {
        var run = GeneratorHarness.Run(CompiledRuleSet.Rule("process where true | head 3", name: "Piped Event Query"));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains("head", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
