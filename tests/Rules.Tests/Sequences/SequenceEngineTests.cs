using Rules.Runtime;
using Rules.Runtime.Sequences;
using static Rules.Tests.Sequences.SequenceTestRules;

namespace Rules.Tests.Sequences;

public class SequenceEngineTests
{
    [Fact]
    public void Stages_match_in_order_and_events_are_snapshots()
    {
        var reused = new EcsEvent();
        var engine = new SequenceEngine(new CompiledRule[] { Get("Ordered") });
        var matches = new List<SequenceMatch>();
        foreach (var e in new[] { Process(0, "b.exe"), Process(1000, "a.exe"), Process(2000, "x.exe"), Process(3000, "b.exe") })
        {
            // The reader reuses one event object: the engine must keep copies.
            reused.Clear();
            reused.Timestamp = e.Timestamp;
            reused.Set("event.category", new[] { "process" });
            reused.Set("process.name", e.Process!.Name!);
            reused.Set("process.entity_id", e.Process.EntityId!);
            engine.Process(reused, matches);
        }

        var match = Assert.Single(matches);
        Assert.Equal("a.exe,b.exe", Names(match));
        Assert.Equal(new string?[] { "p1" }, match.JoinKeys);
        Assert.NotSame(reused, match.Events[0]);
        Assert.Equal(T0.AddSeconds(1), match.Events[0].Timestamp);
        Assert.Equal(1, engine.Statistics.SequencesCompleted);
        Assert.Equal(2, engine.Statistics.EventsCopied);
        Assert.Equal(0, engine.Statistics.PartialsAlive);
    }

    [Fact]
    public void Second_stage_before_first_does_not_match()
    {
        var (matches, _) = Run1("Unkeyed", new[] { Process(0, "b.exe"), Process(1, "a.exe") });
        Assert.Empty(matches);
    }

    [Fact]
    public void Most_recent_partial_takes_the_event_and_older_ones_are_superseded()
    {
        // Elasticsearch's OrdinalGroup.trimBefore: the latest candidate before the event wins, older ones go.
        var (matches, engine) = Run1("Ordered", new[] { Process(0, "a.exe"), Process(1000, "a.exe"), Process(2000, "b.exe"), Process(3000, "b.exe") });
        var match = Assert.Single(matches);
        Assert.Equal(T0.AddSeconds(1), match.Events[0].Timestamp);
        Assert.Equal(1, engine.Statistics.Superseded);
    }

    [Fact]
    public void An_event_can_end_one_sequence_and_start_another()
    {
        var (matches, _) = Run1("Runs", new[]
        {
            Auth(0, "failure"), Auth(1, "failure"), Auth(2, "failure"), Auth(3, "failure"), Auth(4, "success"),
        });
        var match = Assert.Single(matches);
        Assert.Equal(4, match.Events.Count);
        Assert.Equal(new[] { 1L, 2, 3, 4 }, match.Events.Select(e => (long)(e.Timestamp!.Value - T0).TotalMilliseconds));
    }

    [Fact]
    public void Runs_need_that_many_consecutive_matches()
    {
        Assert.Empty(Run1("Runs", new[] { Auth(0, "failure"), Auth(1, "failure"), Auth(2, "success") }).Matches);
        Assert.Single(Run1("Runs", new[] { Auth(0, "failure"), Auth(1, "failure"), Auth(2, "failure"), Auth(3, "success") }).Matches);
    }

    [Fact]
    public void Maxspan_is_inclusive()
    {
        var (exact, _) = Run1("MaxSpan", new[] { Process(0, "a.exe"), Process(5000, "b.exe") });
        Assert.Single(exact);

        var (late, engine) = Run1("MaxSpan", new[] { Process(0, "a.exe"), Process(5001, "b.exe") });
        Assert.Empty(late);
        Assert.Equal(1, engine.Statistics.Expired);
        Assert.Equal(0, engine.Statistics.PartialsAlive);
    }

    [Fact]
    public void Partials_expire_as_time_passes_without_a_matching_event()
    {
        var (_, engine) = Run1("MaxSpan", new[] { Process(0, "a.exe"), Process(10_000, "x.exe", entityId: "other") }, complete: false);
        Assert.Equal(1, engine.Statistics.Expired);
        Assert.Equal(0, engine.Statistics.PartialsAlive);
    }

    [Fact]
    public void Until_drops_the_partial_sequences_of_its_key_only()
    {
        var end = Process(1000, "a.exe");
        end.Set("event.type", new[] { "end" });
        end.Process!.Name = "x.exe";
        var (stopped, engine) = Run1("Until", new[] { Process(0, "a.exe"), end, Process(2000, "b.exe") });
        Assert.Empty(stopped);
        Assert.Equal(1, engine.Statistics.DroppedByUntil);

        var otherKey = Process(1000, "x.exe", entityId: "p2");
        otherKey.Set("event.type", new[] { "end" });
        Assert.Single(Run1("Until", new[] { Process(0, "a.exe"), otherKey, Process(2000, "b.exe") }).Matches);
    }

    [Fact]
    public void Missing_middle_stage_discards_the_sequence_when_an_event_matches_it()
    {
        var (found, engine) = Run1("MissingMiddle", new[] { Process(0, "a.exe"), Process(1000, "m.exe"), Process(2000, "b.exe") });
        Assert.Empty(found);
        Assert.Equal(1, engine.Statistics.DiscardedByMissingEvent);

        var (absent, _) = Run1("MissingMiddle", new[] { Process(0, "a.exe"), Process(1000, "m.exe", host: "h2"), Process(2000, "b.exe") });
        Assert.Equal("a.exe,b.exe", Names(Assert.Single(absent)));

        // Same timestamp as a neighbour: Elasticsearch's range is exclusive on both ends.
        Assert.Single(Run1("MissingMiddle", new[] { Process(0, "a.exe"), Process(0, "m.exe"), Process(2000, "b.exe") }).Matches);
    }

    [Fact]
    public void Missing_first_stage_looks_back_from_the_first_event()
    {
        // The nearest 'm' before 'a' lies within maxspan of the last event: discarded.
        Assert.Empty(Run1("MissingFirst", new[] { Process(0, "m.exe"), Process(3000, "a.exe"), Process(6000, "b.exe") }).Matches);

        // More than maxspan before the last event: as if absent.
        Assert.Single(Run1("MissingFirst", new[] { Process(0, "m.exe"), Process(8000, "a.exe"), Process(10_001, "b.exe") }).Matches);

        // None at all, or only after the start.
        Assert.Single(Run1("MissingFirst", new[] { Process(0, "a.exe"), Process(1000, "m.exe"), Process(2000, "b.exe") }).Matches);
    }

    [Fact]
    public void Missing_last_stage_waits_for_maxspan_or_the_end_of_the_stream()
    {
        var (discarded, engine) = Run1("MissingLast", new[] { Process(0, "a.exe"), Process(1000, "b.exe"), Process(3000, "m.exe") });
        Assert.Empty(discarded);
        Assert.Equal(1, engine.Statistics.DiscardedByMissingEvent);

        // Nothing may be emitted until the window after the start has passed.
        var (waiting, pending) = Run1("MissingLast", new[] { Process(0, "a.exe"), Process(1000, "b.exe"), Process(9000, "x.exe") }, complete: false);
        Assert.Empty(waiting);
        Assert.Equal(1, pending.Statistics.PendingMissingChecks);

        var (afterWindow, _) = Run1("MissingLast", new[] { Process(0, "a.exe"), Process(1000, "b.exe"), Process(10_001, "x.exe") }, complete: false);
        Assert.Single(afterWindow);

        var (atEnd, _) = Run1("MissingLast", new[] { Process(0, "a.exe"), Process(1000, "b.exe") });
        Assert.Single(atEnd);

        // A missing event beyond maxspan from the first event does not count.
        Assert.Single(Run1("MissingLast", new[] { Process(0, "a.exe"), Process(1000, "b.exe"), Process(10_500, "m.exe") }).Matches);
    }

    [Fact]
    public void Keys_isolate_sequences_and_per_stage_keys_join_positionally()
    {
        Assert.Empty(Run1("Ordered", new[] { Process(0, "a.exe", entityId: "p1"), Process(1, "b.exe", entityId: "p2") }).Matches);

        var parent = Event(0, "process", ("process.name", "parent.exe"), ("process.entity_id", "P"), ("host.name", "h1"));
        var child = Event(1, "process", ("process.name", "child.exe"), ("process.parent.entity_id", "P"), ("process.entity_id", "C"), ("host.name", "h1"));
        var match = Assert.Single(Run1("StageKeys", new[] { parent, child }).Matches);
        Assert.Equal(new string?[] { "h1", "P" }, match.JoinKeys);

        var elsewhere = Event(1, "process", ("process.name", "child.exe"), ("process.parent.entity_id", "P"), ("host.name", "h2"));
        Assert.Empty(Run1("StageKeys", new[] { parent, elsewhere }).Matches);
    }

    [Fact]
    public void A_null_key_excludes_the_event_unless_the_key_is_optional()
    {
        // process.pid is required: without it the event joins nothing. ?process.entity_id may be null, and null joins null.
        var start = Event(0, "process", ("process.name", "a.exe"), ("process.pid", 7));
        var file = Event(1, "file", ("process.pid", 7));
        var match = Assert.Single(Run1("OptionalKey", new[] { start, file }).Matches);
        Assert.Equal(new string?[] { null, "7" }, match.JoinKeys);

        var noPid = Event(1, "file", ("process.entity_id", "x"));
        Assert.Empty(Run1("OptionalKey", new[] { start, noPid }).Matches);
        var startWithoutPid = Event(0, "process", ("process.name", "a.exe"));
        Assert.Empty(Run1("OptionalKey", new[] { startWithoutPid, Event(1, "file") }).Matches);
    }

    [Fact]
    public void Numeric_keys_join_by_canonical_text()
    {
        var a = Event(0, "process", ("process.name", "a.exe"), ("process.pid", 42));
        var b = Event(1, "process", ("process.name", "b.exe"), ("process.pid", 42));
        Assert.Equal(new string?[] { "42" }, Assert.Single(Run1("NumericKey", new[] { a, b }).Matches).JoinKeys);
    }

    [Fact]
    public void Sample_emits_one_sample_per_key_in_any_order()
    {
        var events = new[]
        {
            Event(0, "network", ("destination.port", 443), ("host.name", "h1")),
            Event(1, "process", ("process.name", "a.exe"), ("host.name", "h2")),
            Event(2, "process", ("process.name", "a.exe"), ("host.name", "h1")),
            Event(3, "process", ("process.name", "a.exe"), ("host.name", "h1")),
            Event(4, "network", ("destination.port", 443), ("host.name", "h1")),
        };
        events[2].Timestamp = null; // a sample needs no timestamp
        var (matches, engine) = Run1("Sample", events);
        var match = Assert.Single(matches);
        Assert.Equal(new string?[] { "h1" }, match.JoinKeys);
        Assert.Equal("a.exe", match.Events[0].Process!.Name);
        Assert.Equal(443, match.Events[1].Destination!.Port);
        Assert.Equal(2, engine.Statistics.SampleEventsIgnored);
        Assert.Equal(1, engine.Statistics.PartialsAlive); // h2 still waits for its network event
    }

    [Fact]
    public void Head_keeps_the_first_matches_and_tail_the_last_at_the_end_of_the_stream()
    {
        var events = new[] { Process(0, "a.exe"), Process(1, "b.exe"), Process(2, "a.exe", "p2"), Process(3, "b.exe", "p2") };
        var (head, headEngine) = Run1("Head", events);
        Assert.Equal("p1", Assert.Single(head).JoinKeys[0]);
        Assert.Equal(0, headEngine.Statistics.PartialsAlive);

        var (tailBeforeEnd, _) = Run1("Tail", events, complete: false);
        Assert.Empty(tailBeforeEnd);
        var (tail, tailEngine) = Run1("Tail", events);
        Assert.Equal("p2", Assert.Single(tail).JoinKeys[0]);
        Assert.Equal(1, tailEngine.Statistics.MatchesDroppedByPipes);
    }

    [Fact]
    public void Memory_bounds_evict_the_oldest_partials_and_count_them()
    {
        var sameKey = Enumerable.Range(0, 5).Select(i => Process(i, "a.exe")).ToList();
        var (_, perKey) = Run1("Ordered", sameKey, new SequenceEngineOptions { MaxPartialsPerKey = 2 });
        Assert.Equal(3, perKey.Statistics.EvictedPerKey);
        Assert.Equal(2, perKey.Statistics.PartialsAlive);

        var manyKeys = Enumerable.Range(0, 5).Select(i => Process(i, "a.exe", entityId: "p" + i)).ToList();
        var (_, perRule) = Run1("Ordered", manyKeys, new SequenceEngineOptions { MaxPartialsPerRule = 3 });
        Assert.Equal(2, perRule.Statistics.EvictedPerRule);
        Assert.Equal(3, perRule.Statistics.PartialsAlive);

        var (_, keys) = Run1("Ordered", manyKeys, new SequenceEngineOptions { MaxKeysPerRule = 2 });
        Assert.Equal(3, keys.Statistics.KeysEvicted);
        Assert.Equal(2, keys.Statistics.PartialsAlive);

        // The evicted oldest partial no longer completes; a surviving one does.
        var (matches, _) = Run1("Ordered", manyKeys.Append(Process(10, "b.exe", entityId: "p0")).Append(Process(11, "b.exe", entityId: "p4")), new SequenceEngineOptions { MaxPartialsPerRule = 3 });
        Assert.Equal("p4", Assert.Single(matches).JoinKeys[0]);

        var total = new SequenceEngine(new CompiledRule[] { Get("Ordered"), Get("Unkeyed") }, new SequenceEngineOptions { MaxPartialsTotal = 3 });
        var sink = new List<SequenceMatch>();
        foreach (var e in manyKeys)
        {
            total.Process(e, sink);
        }

        Assert.Equal(3, total.Statistics.PartialsAlive);
        Assert.Equal(7, total.Statistics.EvictedTotal);
    }

    [Fact]
    public void Out_of_order_events_are_dropped_unless_within_the_allowed_lateness()
    {
        var events = new[] { Process(10_000, "a.exe"), Process(5000, "b.exe"), Process(11_000, "x.exe") };
        var (dropped, strict) = Run1("Ordered", events);
        Assert.Empty(dropped);
        Assert.Equal(1, strict.Statistics.LateEventsDropped);

        var (tolerated, lenient) = Run1("Ordered", events, new SequenceEngineOptions { AllowedLateness = TimeSpan.FromSeconds(10) });
        Assert.Single(tolerated);
        Assert.Equal(1, lenient.Statistics.OutOfOrderEvents);

        var noTime = Process(0, "a.exe");
        noTime.Timestamp = null;
        var (_, untimed) = Run1("Ordered", new[] { noTime });
        Assert.Equal(1, untimed.Statistics.EventsWithoutTimestamp);
        Assert.Equal(0, untimed.Statistics.PartialsStarted);
    }

    [Fact]
    public void Engine_runs_only_sequence_rules_and_rejects_oversized_ones()
    {
        var engine = new SequenceEngine(All, new SequenceEngineOptions { MaxEventsPerSequence = 3 });
        Assert.DoesNotContain(engine.Rules, r => r.Metadata.Name == "Runs");
        Assert.Contains(engine.RejectedRules, r => r.Contains("Runs", StringComparison.Ordinal));
        Assert.Equal(1, engine.Statistics.RulesRejected);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceEngine(All, new SequenceEngineOptions { MaxPartialsPerKey = 0 }));

        var done = new List<SequenceMatch>();
        engine.Complete(done);
        Assert.Throws<InvalidOperationException>(() => engine.Process(Process(0, "a.exe"), done));
    }

    [Fact]
    public void Events_that_match_no_stage_cost_no_allocation()
    {
        var engine = new SequenceEngine(All);
        var matches = new List<SequenceMatch>();
        var quiet = Event(0, "process", ("process.name", "quiet.exe"), ("process.entity_id", "q"), ("host.name", "h"));
        engine.Process(quiet, matches);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i <= 1000; i++)
        {
            quiet.Timestamp = T0.AddMilliseconds(i);
            engine.Process(quiet, matches);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Empty(matches);
        Assert.Equal(0, engine.Statistics.EventsCopied);
    }

    private static EcsEvent Auth(long milliseconds, string outcome) =>
        Event(milliseconds, "authentication", ("event.outcome", outcome), ("user.name", "alice"));
}
