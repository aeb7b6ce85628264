using Rules.Runtime;
using static Rules.Tests.Runtime.TestEvents;

namespace Rules.Tests.Runtime;

public class DetectorTests
{
    [Fact]
    public void The_generated_metadata_carries_the_alerting_settings()
    {
        var threshold = DetectionRules.Get(DetectionRules.ThresholdCardinality).Metadata.Threshold!;
        Assert.Equal(new[] { "source.ip" }, threshold.Fields);
        Assert.Equal(1, threshold.Value);
        Assert.Equal(new ThresholdCardinality("destination.port", 3), Assert.Single(threshold.Cardinality));

        var newTerms = DetectionRules.Get(DetectionRules.NewTerms).Metadata.NewTerms!;
        Assert.Equal(new[] { "host.name", "user.name" }, newTerms.Fields);
        Assert.Equal("now-7d", newTerms.HistoryWindowStart);

        var suppression = DetectionRules.Get(DetectionRules.SuppressedWithDuration).Metadata.AlertSuppression!;
        Assert.Equal(new[] { "host.name" }, suppression.GroupBy);
        Assert.Equal("10m", suppression.Duration);
        Assert.Equal("suppress", suppression.MissingFieldsStrategy);

        var overrides = DetectionRules.Get(DetectionRules.Overrides).Metadata;
        Assert.Equal(3, overrides.SeverityMapping.Count);
        Assert.Equal("event.risk_score", Assert.Single(overrides.RiskScoreMapping).Field);
        Assert.Equal("event.ingested", overrides.TimestampOverride);
        Assert.Equal("rule.name", overrides.RuleNameOverride);
        Assert.Equal("default", overrides.BuildingBlockType);
    }

    [Fact]
    public void A_query_rule_alerts_once_per_matching_event_with_event_time()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Query);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "evil"), ("host.name", "h1")),
            At(Minutes(2), ("event.action", "benign")),
        });

        var alert = Assert.Single(alerts);
        Assert.Equal(Origin + Minutes(1), alert.DetectedAt);
        Assert.Equal(Origin + Minutes(1), alert.OriginalTime);
        Assert.Equal("h1", alert.Event.Host?.Name);
        Assert.Equal(64, alert.Id.Length);
    }

    [Fact]
    public void Events_without_a_time_are_skipped_as_Elastic_never_searches_them()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Query);
        var untimed = new EcsEvent();
        untimed.Set("event.action", "evil");
        Assert.Empty(Run(detector, new[] { untimed }));
        Assert.Equal(1, detector.UntimedEvents);
    }

    [Fact]
    public void Max_signals_bounds_alerts_per_interval_and_counts_the_excess()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Query);
        var alerts = Run(detector, new[]
        {
            At(Minutes(0.5), ("event.action", "evil")),
            At(Minutes(1), ("event.action", "evil"), ("host.name", "b")),
            At(Minutes(2), ("event.action", "evil"), ("host.name", "c")),
            At(Minutes(4.9), ("event.action", "evil"), ("host.name", "d")),
            // The next 5-minute interval: a new execution, a new budget.
            At(Minutes(5), ("event.action", "evil"), ("host.name", "e")),
        });

        Assert.Equal(3, alerts.Count);
        Assert.Equal(new[] { null, "b", "e" }, alerts.Select(a => a.Event.Host?.Name));
        var counters = Assert.Single(detector.RuleCounters);
        Assert.Equal(2, counters.ThrottledCount);
        Assert.Equal(5, counters.Matched);
    }

    [Fact]
    public void Threshold_alerts_when_a_group_reaches_the_count_within_the_look_back()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Threshold);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "logon-failed"), ("user.name", "alice")),
            At(Minutes(2), ("event.action", "logon-failed"), ("user.name", "bob")),
            At(Minutes(3), ("event.action", "logon-failed"), ("user.name", "alice")),
            At(Minutes(4), ("event.action", "logon-failed"), ("user.name", "bob")),
            At(Minutes(6), ("event.action", "logon-failed"), ("user.name", "alice")),
            // Moves event time past the run at 10:10 without matching.
            At(Minutes(11), ("event.action", "other")),
        }, complete: false);

        var alert = Assert.Single(alerts);
        var result = alert.Threshold!;
        Assert.Equal(3, result.Count);
        Assert.Equal(Origin + Minutes(1), result.From);
        Assert.Equal("user.name", Assert.Single(result.Terms).Field);
        Assert.Equal("alice", Assert.Single(Assert.Single(result.Terms).Values));
        Assert.Equal("alice", alert.Event.User?.Name);
        // The run at 10:10 (look-back 10m) raised it; its source time is the bucket's last event.
        Assert.Equal(Origin + Minutes(10), alert.DetectedAt);
        Assert.Equal(Origin + Minutes(6), alert.OriginalTime);
        Assert.Equal(Origin + Minutes(6), alert.Event.Timestamp);
    }

    [Fact]
    public void Threshold_events_outside_every_look_back_never_add_up()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Threshold);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "logon-failed"), ("user.name", "alice")),
            At(Minutes(2), ("event.action", "logon-failed"), ("user.name", "alice")),
            At(Minutes(25), ("event.action", "logon-failed"), ("user.name", "alice")),
        });

        Assert.Empty(alerts);
    }

    [Fact]
    public void Threshold_signal_history_does_not_count_signalled_events_again()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Threshold);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "logon-failed"), ("user.name", "alice")),
            At(Minutes(2), ("event.action", "logon-failed"), ("user.name", "alice")),
            At(Minutes(3), ("event.action", "logon-failed"), ("user.name", "alice")),
            // Runs at 10:05 (alert: 3 events) then 10:10 and 10:15 see these with the first three excluded.
            At(Minutes(6), ("event.action", "logon-failed"), ("user.name", "alice")),
            At(Minutes(7), ("event.action", "logon-failed"), ("user.name", "alice")),
            At(Minutes(8), ("event.action", "logon-failed"), ("user.name", "alice")),
        });

        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a => Assert.Equal(3, a.Threshold!.Count));
        Assert.Equal(Origin + Minutes(6), alerts[1].Threshold!.From);
        Assert.NotEqual(alerts[0].Id, alerts[1].Id);
    }

    [Fact]
    public void Threshold_cardinality_needs_enough_distinct_values()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.ThresholdCardinality);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "connect"), ("source.ip", "10.0.0.1"), ("destination.port", 22)),
            At(Minutes(1), ("event.action", "connect"), ("source.ip", "10.0.0.1"), ("destination.port", 23)),
            At(Minutes(1), ("event.action", "connect"), ("source.ip", "10.0.0.1"), ("destination.port", 24)),
            At(Minutes(2), ("event.action", "connect"), ("source.ip", "10.0.0.2"), ("destination.port", 22)),
            At(Minutes(2), ("event.action", "connect"), ("source.ip", "10.0.0.2"), ("destination.port", 22)),
            At(Minutes(2), ("event.action", "connect"), ("source.ip", "10.0.0.2"), ("destination.port", 22)),
        });

        var alert = Assert.Single(alerts);
        Assert.Equal("10.0.0.1", Assert.Single(Assert.Single(alert.Threshold!.Terms).Values));
        Assert.Equal(new ThresholdCardinalityResult("destination.port", 3), Assert.Single(alert.Threshold.Cardinality));
        Assert.Equal("10.0.0.1", alert.Event.Source?.Ip);
    }

    [Fact]
    public void Threshold_without_fields_counts_all_matching_events()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.ThresholdNoFields);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "sweep"), ("host.name", "a")),
            At(Minutes(2), ("event.action", "sweep"), ("host.name", "b")),
        });

        var alert = Assert.Single(alerts);
        Assert.Empty(alert.Threshold!.Terms);
        Assert.Equal(2, alert.Threshold.Count);
    }

    [Fact]
    public void New_terms_alert_on_combinations_not_seen_in_the_history_window()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.NewTerms);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "login"), ("host.name", "h1"), ("user.name", "alice")),
            At(Minutes(2), ("event.action", "login"), ("host.name", "h1"), ("user.name", "alice")),
            At(Minutes(3), ("event.action", "login"), ("host.name", "h1"), ("user.name", "bob")),
            At(Minutes(4), ("event.action", "login"), ("host.name", "h1")),
            At(TimeSpan.FromDays(6), ("event.action", "login"), ("host.name", "h1"), ("user.name", "alice")),
            // More than 7 days after the last sighting: new again.
            At(TimeSpan.FromDays(13.1), ("event.action", "login"), ("host.name", "h1"), ("user.name", "alice")),
        });

        Assert.Equal(3, alerts.Count);
        Assert.Equal(new[] { "h1", "alice" }, alerts[0].NewTerms);
        Assert.Equal(new[] { "h1", "bob" }, alerts[1].NewTerms);
        Assert.Equal(Origin + TimeSpan.FromDays(13.1), alerts[2].OriginalTime);
    }

    [Fact]
    public void New_terms_of_array_fields_are_each_combination()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.NewTerms);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "login"), ("host.name", "h1"), ("user.name", new[] { "alice", "bob", "alice" })),
            At(Minutes(2), ("event.action", "login"), ("host.name", "h1"), ("user.name", new[] { "bob", "carol" })),
        });

        // One alert per new combination (alice and bob from the first event, carol from the second).
        Assert.Equal(new[] { "alice", "bob", "carol" }, alerts.Select(a => a.NewTerms![1]));
        Assert.Equal(3, alerts.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public void New_terms_state_is_bounded_and_evictions_are_counted()
    {
        var detector = DetectionRules.Detector(new DetectorOptions { MaxNewTermsPerRule = 10 }, DetectionRules.NewTerms);
        var events = Enumerable.Range(0, 25).Select(i => At(Minutes(i), ("event.action", "login"), ("host.name", "h"), ("user.name", "u" + i)));
        var alerts = Run(detector, events);
        Assert.Equal(25, alerts.Count);
        var counters = Assert.Single(detector.RuleCounters);
        Assert.True(counters.EvictedCount >= 15, counters.EvictedCount.ToString());

        // u0 was evicted (least recently seen): seen again it alerts again, as documented.
        var again = new List<Alert>();
        detector.Process(At(Minutes(30), ("event.action", "login"), ("host.name", "h"), ("user.name", "u0")), again);
        Assert.Single(again);
    }

    [Fact]
    public void Suppression_keeps_one_alert_per_group_and_duration_with_the_count()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.SuppressedWithDuration);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "dup"), ("host.name", "h1")),
            At(Minutes(2), ("event.action", "dup"), ("host.name", "h1")),
            At(Minutes(3), ("event.action", "dup"), ("host.name", "h2")),
            At(Minutes(9), ("event.action", "dup"), ("host.name", "h1")),
            At(Minutes(9.5), ("event.action", "dup")),
            At(Minutes(9.6), ("event.action", "dup")),
            // More than 10 minutes after h1's first alert: a new window.
            At(Minutes(11.5), ("event.action", "dup"), ("host.name", "h1")),
        });

        Assert.Equal(4, alerts.Count);
        var h1 = alerts.Where(a => a.Event.Host?.Name == "h1").ToList();
        Assert.Equal(2, h1.Count);
        Assert.Equal(2, h1[0].Suppression!.DocsCount);
        Assert.Equal(Origin + Minutes(1), h1[0].Suppression!.Start);
        Assert.Equal(Origin + Minutes(9), h1[0].Suppression!.End);
        Assert.Equal("h1", Assert.Single(Assert.Single(h1[0].Suppression!.Terms).Values));
        Assert.Equal(0, h1[1].Suppression!.DocsCount);
        // missing_fields_strategy suppress: events without host.name form one group (value null).
        var missing = Assert.Single(alerts, a => a.Event.Host is null);
        Assert.Equal(1, missing.Suppression!.DocsCount);
        Assert.Empty(Assert.Single(missing.Suppression.Terms).Values);
        Assert.Equal(3, Assert.Single(detector.RuleCounters).SuppressedCount);
    }

    [Fact]
    public void Suppressed_alerts_are_released_when_event_time_passes_their_window()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.SuppressedWithDuration);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "dup"), ("host.name", "h1")),
            At(Minutes(2), ("event.action", "dup"), ("host.name", "h1")),
        }, complete: false);
        Assert.Empty(alerts);
        detector.Process(At(Minutes(12), ("event.action", "unrelated")), alerts);
        Assert.Equal(1, Assert.Single(alerts).Suppression!.DocsCount);
    }

    [Fact]
    public void Suppression_without_duration_is_per_interval_and_doNotSuppress_raises_events_missing_fields()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.SuppressedPerInterval);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "dup-interval"), ("host.name", "h1"), ("user.name", "u")),
            At(Minutes(4), ("event.action", "dup-interval"), ("host.name", "h1"), ("user.name", "u")),
            At(Minutes(6), ("event.action", "dup-interval"), ("host.name", "h1"), ("user.name", "u")),
            At(Minutes(7), ("event.action", "dup-interval"), ("host.name", "h1")),
            At(Minutes(7), ("event.action", "dup-interval"), ("host.name", "h1")),
        });

        Assert.Equal(4, alerts.Count);
        Assert.Equal(1, alerts.Single(a => a.OriginalTime == Origin + Minutes(1)).Suppression!.DocsCount);
        Assert.Equal(0, alerts.Single(a => a.OriginalTime == Origin + Minutes(6)).Suppression!.DocsCount);
        Assert.Equal(2, alerts.Count(a => a.Event.User is null));
    }

    [Fact]
    public void Threshold_alerts_are_suppressed_per_bucket_terms_for_the_duration()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.ThresholdSuppressed);
        var events = new List<EcsEvent>();
        // Two scans from 10.0.0.1 in each of three runs (10:05, 10:10, 10:15), one pair from 10.0.0.2.
        foreach (var minute in new[] { 1, 2, 6, 7, 11, 12 })
        {
            events.Add(At(Minutes(minute), ("event.action", "scan"), ("source.ip", "10.0.0.1")));
        }

        events.Add(At(Minutes(13), ("event.action", "scan"), ("source.ip", "10.0.0.2")));
        events.Add(At(Minutes(14), ("event.action", "scan"), ("source.ip", "10.0.0.2")));
        var alerts = Run(detector, events);

        Assert.Equal(2, alerts.Count);
        var first = alerts.Single(a => a.Event.Source?.Ip == "10.0.0.1");
        Assert.Equal(2, first.Suppression!.DocsCount);
        Assert.Equal(2, first.Threshold!.Count);
        Assert.Equal(0, alerts.Single(a => a.Event.Source?.Ip == "10.0.0.2").Suppression!.DocsCount);
    }

    [Fact]
    public void Overrides_and_mappings_shape_the_alert()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Overrides);
        var ingested = Origin + Minutes(3);
        var alerts = Run(detector, new[]
        {
            // user root (medium) and critical-host (critical) both match: the highest severity wins.
            At(Minutes(1), ("event.action", "override"), ("event.ingested", ingested), ("host.name", "critical-host"), ("user.name", "root"),
                ("rule.name", "Renamed by the event"), ("event.risk_score", 87)),
            At(Minutes(2), ("event.action", "override"), ("host.name", "high-host"), ("event.risk_score", 187)),
            At(Minutes(2), ("event.action", "override"), ("host.name", "other"), ("user.name", "root")),
        });

        Assert.Equal(3, alerts.Count);
        Assert.Equal("critical", alerts[0].Severity);
        Assert.Equal(87, alerts[0].RiskScore);
        Assert.Equal("Renamed by the event", alerts[0].RuleName);
        Assert.Equal(ingested, alerts[0].OriginalTime);
        Assert.Equal("default", alerts[0].BuildingBlockType);

        Assert.Equal("high", alerts[1].Severity);
        Assert.Equal(21, alerts[1].RiskScore);
        Assert.Equal("Rule overrides", alerts[1].RuleName);
        // No event.ingested: timestamp_override falls back to @timestamp.
        Assert.Equal(Origin + Minutes(2), alerts[1].OriginalTime);

        Assert.Equal("medium", alerts[2].Severity);
    }

    [Fact]
    public void A_sequence_becomes_building_blocks_and_a_shell_alert()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Sequence);
        var events = new[]
        {
            At(Minutes(1), ("host.name", "h1"), ("process.name", "a.exe")),
            At(Minutes(2), ("host.name", "h1"), ("process.name", "b.exe")),
        };
        var alerts = new List<Alert>();
        detector.ProcessSequence(DetectionRules.Get(DetectionRules.Sequence), events, alerts);

        Assert.Equal(3, alerts.Count);
        var shell = alerts.Single(a => a.Depth == 2);
        var blocks = alerts.Where(a => a.Depth == 1).ToList();
        Assert.Equal(new int?[] { 0, 1 }, blocks.Select(b => b.Group!.Index));
        Assert.All(blocks, b => Assert.Equal(shell.Group!.Id, b.Group!.Id));
        Assert.All(blocks, b => Assert.Equal("default", b.BuildingBlockType));
        Assert.Null(shell.Group!.Index);
        Assert.Equal("h1", shell.Event.Host?.Name);
        Assert.Null(shell.Event.Process?.Name);
        Assert.Equal(Origin + Minutes(2), shell.OriginalTime);
        Assert.Contains(shell.Ancestors, a => a.Type == "signal" && a.Id == blocks[0].Id);
    }

    [Fact]
    public void Replaying_a_file_gives_the_same_alerts_as_streaming_the_events()
    {
        var events = MixedEvents().ToList();

        // Stream: fresh event objects, alerts collected as they come.
        var streamed = Run(DetectionRules.Detector(), events).Select(AlertJson.ToJson).ToList();

        // Replay: the same events written to NDJSON and read back by the reader, which reuses one event object.
        var file = new MemoryStream();
        foreach (var e in events)
        {
            var line = System.Text.Encoding.UTF8.GetBytes(Rules.Runtime.Reading.EventWriter.ToJson(e) + "\n");
            file.Write(line);
        }

        file.Position = 0;
        using var reader = new Rules.Runtime.Reading.EventReader(file);
        var replayed = Run(DetectionRules.Detector(), reader.ReadEvents()).Select(AlertJson.ToJson).ToList();

        Assert.True(streamed.Count > 10, streamed.Count.ToString());
        Assert.Equal(streamed, replayed);
    }

    internal static IEnumerable<EcsEvent> MixedEvents()
    {
        var actions = new[] { "evil", "logon-failed", "connect", "sweep", "login", "dup", "dup-interval", "override", "other" };
        for (var i = 0; i < 300; i++)
        {
            yield return At(TimeSpan.FromSeconds(37 * i),
                ("event.action", actions[i % actions.Length]),
                ("host.name", "h" + (i % 4)),
                ("user.name", "u" + (i % 7)),
                ("source.ip", "10.0.0." + (i % 3)),
                ("destination.port", i % 11));
        }
    }
}

public class DetectorAllocationTests
{
    [Fact]
    public void Events_no_rule_matches_cost_the_detector_no_allocation()
    {
        var detector = DetectionRules.Detector();
        var events = Enumerable.Range(0, 200).Select(i => At(TimeSpan.FromSeconds(i), ("event.action", "nothing-matches"), ("host.name", "h"))).ToArray();
        var alerts = new List<Alert>();
        detector.Process(events[0], alerts);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < events.Length; i++)
        {
            detector.Process(events[i], alerts);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Empty(alerts);
    }

    [Fact]
    public void Aggregating_matches_allocates_a_modest_measured_amount()
    {
        // Threshold buckets and new_terms history per matching event (no alert): the allocation is bounded per event.
        var detector = DetectionRules.Detector(null, DetectionRules.Threshold, DetectionRules.NewTerms);
        var alerts = new List<Alert>();
        var events = Enumerable.Range(0, 1_000).Select(i => At(TimeSpan.FromSeconds(i),
            ("event.action", i % 2 == 0 ? "logon-failed" : "login"), ("host.name", "h"), ("user.name", "u" + (i % 2)))).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var e in events)
        {
            detector.Process(e, alerts);
        }

        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / events.Length;
        // Measured 583 bytes per matching event on .NET 10, the threshold alerts raised for u0 (one per three
        // failures) included: field values by path, term keys, bucket times. The bound leaves room for runtime changes.
        Assert.True(perEvent < 4_096, perEvent + " bytes per event");
    }
}
