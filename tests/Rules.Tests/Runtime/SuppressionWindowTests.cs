using System.Text.Json;
using Rules.Language.Documents;
using Rules.Runtime;
using static Rules.Tests.Runtime.TestEvents;

namespace Rules.Tests.Runtime;

/// <summary>
/// Suppression windows closing without further events of the rule (any event's time, an explicit clock advance,
/// the end of the stream), and threshold suppression by duration only, as Kibana's threshold rules have it.
/// </summary>
public class SuppressionWindowTests
{
    [Fact]
    public void Any_event_time_releases_a_closed_window_of_another_rule()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.SuppressedWithDuration, DetectionRules.Query);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "dup"), ("host.name", "h1")),
            At(Minutes(2), ("event.action", "dup"), ("host.name", "h1")),
            // Another rule's event inside the window: nothing is released.
            At(Minutes(10.5), ("event.action", "evil")),
        }, complete: false);
        Assert.Single(alerts);
        Assert.Equal(DetectionRules.Query, alerts[0].Rule.RuleId);

        // An event no rule matches, after the window's end (minute 11): the held alert goes out with its count.
        detector.Process(At(Minutes(11.5), ("event.action", "nothing")), alerts);
        var released = Assert.Single(alerts, a => a.Rule.RuleId == DetectionRules.SuppressedWithDuration);
        Assert.Equal(1, released.Suppression!.DocsCount);
        Assert.Equal(Origin + Minutes(2), released.Suppression.End);

        // Nothing is held any more: the end of the stream adds nothing.
        var atEnd = new List<Alert>();
        detector.Complete(atEnd);
        Assert.Empty(atEnd);
    }

    [Fact]
    public void Advancing_the_clock_without_an_event_releases_closed_windows_only()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.SuppressedWithDuration);
        var alerts = Run(detector, new[]
        {
            At(Minutes(1), ("event.action", "dup"), ("host.name", "h1")),
            At(Minutes(5), ("event.action", "dup"), ("host.name", "h2")),
            At(Minutes(6), ("event.action", "dup"), ("host.name", "h2")),
        }, complete: false);
        Assert.Empty(alerts);

        detector.AdvanceTime(Origin + Minutes(10.5), alerts);
        Assert.Empty(alerts); // h1's window ends at minute 11
        detector.AdvanceTime(Origin + Minutes(12), alerts);
        Assert.Equal("h1", Assert.Single(alerts).Event.Host!.Name);
        // An earlier time changes nothing.
        detector.AdvanceTime(Origin, alerts);
        Assert.Single(alerts);
        Assert.Equal(Origin + Minutes(12), detector.Watermark);

        detector.AdvanceTime(Origin + Minutes(20), alerts);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(1, alerts[1].Suppression!.DocsCount);
    }

    [Fact]
    public void Releasing_by_clock_gives_the_alerts_releasing_by_events_and_by_the_end_give()
    {
        var events = Enumerable.Range(0, 12).Select(i => At(Minutes(i * 1.5), ("event.action", "dup"), ("host.name", "h" + (i % 2)))).ToList();

        var byEnd = Run(DetectionRules.Detector(null, DetectionRules.SuppressedWithDuration), events).Select(AlertJson.ToJson).ToList();

        var detector = DetectionRules.Detector(null, DetectionRules.SuppressedWithDuration);
        var byClock = Run(detector, events, complete: false);
        detector.AdvanceTime(Origin + Minutes(60), byClock);
        var rest = new List<Alert>();
        detector.Complete(rest);
        Assert.Empty(rest);

        Assert.Equal(byEnd, byClock.Select(AlertJson.ToJson).ToList());
    }

    [Fact]
    public void A_threshold_rule_suppresses_by_duration_only_per_bucket_terms()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.ThresholdSuppressedByDuration);
        Assert.Empty(DetectionRules.Get(DetectionRules.ThresholdSuppressedByDuration).Metadata.AlertSuppression!.GroupBy);
        var events = new List<EcsEvent>();
        // 10.0.0.1 reaches the threshold in the runs of 10:05, 10:10, 10:15 and 10:30; 10.0.0.2 in the run of 10:15.
        foreach (var minute in new[] { 1, 2, 6, 7, 11, 12, 26, 27 })
        {
            events.Add(At(Minutes(minute), ("event.action", "burst"), ("source.ip", "10.0.0.1")));
        }

        events.Add(At(Minutes(13), ("event.action", "burst"), ("source.ip", "10.0.0.2")));
        events.Add(At(Minutes(14), ("event.action", "burst"), ("source.ip", "10.0.0.2")));
        events.Add(At(Minutes(40), ("event.action", "other")));
        var alerts = Run(detector, events.OrderBy(e => e.Timestamp));

        // The 10:05 alert stands for 10:10 and 10:15 (its window: 20 minutes from 10:05); 10:30 opens a new window.
        var first = alerts.Where(a => a.Event.Source?.Ip == "10.0.0.1").OrderBy(a => a.DetectedAt).ToList();
        Assert.Equal(2, first.Count);
        Assert.Equal(2, first[0].Suppression!.DocsCount);
        // start and end: the first and last event of the suppressed buckets (Kibana's min/max_timestamp).
        Assert.Equal(Origin + Minutes(1), first[0].Suppression!.Start);
        Assert.Equal(Origin + Minutes(12), first[0].Suppression!.End);
        Assert.Equal(0, first[1].Suppression!.DocsCount);
        Assert.Equal(Origin + Minutes(26), first[1].Suppression!.Start);
        Assert.Equal(0, alerts.Single(a => a.Event.Source?.Ip == "10.0.0.2").Suppression!.DocsCount);

        // The group is the bucket's terms, written with scalar values as Kibana writes the bucket key.
        var json = JsonDocument.Parse(AlertJson.ToJson(first[0])).RootElement;
        var term = Assert.Single(json.GetProperty("kibana.alert.suppression.terms").EnumerateArray());
        Assert.Equal("source.ip", term.GetProperty("field").GetString());
        Assert.Equal("10.0.0.1", term.GetProperty("value").GetString());
        var parameters = json.GetProperty("kibana.alert.rule.parameters").GetProperty("alert_suppression");
        Assert.Equal(0, parameters.GetProperty("group_by").GetArrayLength());
        Assert.Equal(20, parameters.GetProperty("duration").GetProperty("value").GetInt32());
    }

    [Fact]
    public void A_duration_window_includes_its_end_as_Kibana_searches_alerts_gte_now_minus_duration()
    {
        // Threshold runs fall on interval multiples: the run exactly one duration (20 minutes) after the first alert
        // is still suppressed into it; the next one is not.
        var detector = DetectionRules.Detector(null, DetectionRules.ThresholdSuppressedByDuration);
        var alerts = Run(detector, new[] { 1, 2, 21, 22, 26, 27 }.Select(m => At(Minutes(m), ("event.action", "burst"), ("source.ip", "10.0.0.1"))));

        Assert.Equal(2, alerts.Count);
        Assert.Equal(1, alerts[0].Suppression!.DocsCount);
        Assert.Equal(Origin + Minutes(22), alerts[0].Suppression!.End);
        Assert.Equal(0, alerts[1].Suppression!.DocsCount);

        // Query rules: an alert exactly at the end joins the window too.
        var query = DetectionRules.Detector(null, DetectionRules.SuppressedWithDuration);
        var queryAlerts = Run(query, new[] { 1, 11, 11.5 }.Select(m => At(Minutes(m), ("event.action", "dup"), ("host.name", "h1"))));
        Assert.Equal(new long[] { 1, 0 }, queryAlerts.Select(a => a.Suppression!.DocsCount));
    }

    [Fact]
    public void A_threshold_rule_without_fields_suppresses_all_its_alerts_as_one_group()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.ThresholdNoFieldsSuppressed);
        var events = new[] { 1, 2, 6, 7, 24, 26 }.Select(m => At(Minutes(m), ("event.action", "flood"), ("host.name", "h" + m))).ToList();
        var alerts = Run(detector, events);

        Assert.Equal(2, alerts.Count);
        Assert.Equal(1, alerts[0].Suppression!.DocsCount);
        Assert.Empty(alerts[0].Suppression!.Terms);
        Assert.Equal(0, alerts[1].Suppression!.DocsCount);
        var json = JsonDocument.Parse(AlertJson.ToJson(alerts[0])).RootElement;
        Assert.Equal(0, json.GetProperty("kibana.alert.suppression.terms").GetArrayLength());
    }

    [Fact]
    public void Rule_files_threshold_suppression_needs_a_duration_and_no_group_by()
    {
        static string Threshold(string suppression) =>
            "[rule]\nrule_id = \"t\"\nname = \"n\"\ndescription = \"d\"\ntype = \"threshold\"\nrisk_score = 21\nseverity = \"low\"\n" +
            "language = \"kuery\"\nquery = 'event.action : \"x\"'\n[rule.threshold]\nfield = [\"source.ip\"]\nvalue = 2\n" + suppression;

        var ok = RuleFileReader.Read("t.toml", Threshold("[rule.alert_suppression.duration]\nunit = \"m\"\nvalue = 5\n"));
        Assert.True(ok.Diagnostics.Count == 0, string.Join("\n", ok.Diagnostics));
        Assert.Equal("5m", ok.Rule!.AlertSuppression!.Duration);
        Assert.Empty(ok.Rule.AlertSuppression.GroupBy);

        var noDuration = RuleFileReader.Read("t.toml", Threshold("[rule.alert_suppression]\nmissing_fields_strategy = \"suppress\"\n"));
        Assert.Contains(noDuration.Diagnostics, d => d.Message.Contains("rule.alert_suppression.duration", StringComparison.Ordinal));

        // Other rule types still need group_by.
        var query = RuleFileReader.Read("q.toml",
            "[rule]\nrule_id = \"q\"\nname = \"n\"\ndescription = \"d\"\ntype = \"query\"\nrisk_score = 21\nseverity = \"low\"\n" +
            "language = \"kuery\"\nquery = 'event.action : \"x\"'\n[rule.alert_suppression.duration]\nunit = \"m\"\nvalue = 5\n");
        Assert.Contains(query.Diagnostics, d => d.Message.Contains("rule.alert_suppression.group_by", StringComparison.Ordinal));
    }
}
