using System.Text.Json;
using Rules.Runtime;
using static Rules.Tests.Runtime.TestEvents;

namespace Rules.Tests.Runtime;

public class AlertJsonTests
{
    private static JsonElement Parse(Alert alert) => JsonDocument.Parse(AlertJson.ToJson(alert)).RootElement.Clone();

    [Fact]
    public void A_query_alert_is_an_Elastic_security_alert_document()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.Query);
        var e = At(Minutes(1), ("event.action", "evil"), ("event.kind", "event"), ("event.category", new[] { "process" }), ("host.name", "h1"), ("process.name", "evil.exe"));
        var alert = Assert.Single(Run(detector, new[] { e }));
        var json = Parse(alert);

        // Source fields are copied; event.kind becomes signal and the original event.* fields are kept.
        Assert.Equal("h1", json.GetProperty("host").GetProperty("name").GetString());
        Assert.Equal("signal", json.GetProperty("event").GetProperty("kind").GetString());
        Assert.Equal("event", json.GetProperty("kibana.alert.original_event.kind").GetString());
        Assert.Equal("evil", json.GetProperty("kibana.alert.original_event.action").GetString());
        Assert.Equal("2026-11-20T10:01:00+00:00", json.GetProperty("@timestamp").GetString());
        Assert.Equal(json.GetProperty("@timestamp").GetString(), json.GetProperty("kibana.alert.original_time").GetString());
        Assert.Equal(alert.Id, json.GetProperty("kibana.alert.uuid").GetString());
        Assert.Equal(DetectionRules.Query, json.GetProperty("kibana.alert.rule.rule_id").GetString());
        Assert.Equal(DetectionRules.Query, json.GetProperty("kibana.alert.rule.uuid").GetString());
        Assert.Equal("Rule query-max-signals", json.GetProperty("kibana.alert.rule.name").GetString());
        Assert.Equal("siem.queryRule", json.GetProperty("kibana.alert.rule.rule_type_id").GetString());
        Assert.Equal("low", json.GetProperty("kibana.alert.severity").GetString());
        Assert.Equal(21, json.GetProperty("kibana.alert.risk_score").GetInt32());
        Assert.Equal(2, json.GetProperty("kibana.alert.rule.max_signals").GetInt32());
        Assert.Equal(1, json.GetProperty("kibana.alert.depth").GetInt32());
        var ancestor = Assert.Single(json.GetProperty("kibana.alert.ancestors").EnumerateArray());
        Assert.Equal("event", ancestor.GetProperty("type").GetString());
        Assert.Equal(0, ancestor.GetProperty("depth").GetInt32());
        Assert.Equal("open", json.GetProperty("kibana.alert.workflow_status").GetString());
        Assert.Contains("evil.exe", json.GetProperty("kibana.alert.reason").GetString());
        Assert.Equal(JsonValueKind.Array, json.GetProperty("kibana.alert.rule.threat").ValueKind);
        Assert.False(json.TryGetProperty("kibana.alert.threshold_result", out _));
    }

    [Fact]
    public void A_threshold_alert_has_its_threshold_result()
    {
        var detector = DetectionRules.Detector(null, DetectionRules.ThresholdCardinality);
        var alert = Assert.Single(Run(detector, Enumerable.Range(0, 3).Select(i =>
            At(Minutes(1 + i), ("event.action", "connect"), ("source.ip", "10.0.0.1"), ("destination.port", 20 + i)))));
        var json = Parse(alert);
        var result = json.GetProperty("kibana.alert.threshold_result");
        var term = Assert.Single(result.GetProperty("terms").EnumerateArray());
        Assert.Equal("source.ip", term.GetProperty("field").GetString());
        Assert.Equal("10.0.0.1", term.GetProperty("value").GetString());
        Assert.Equal(3, result.GetProperty("count").GetInt64());
        Assert.Equal("2026-11-20T10:01:00+00:00", result.GetProperty("from").GetString());
        Assert.Equal(3, Assert.Single(result.GetProperty("cardinality").EnumerateArray()).GetProperty("value").GetInt64());
        Assert.Equal("10.0.0.1", json.GetProperty("source").GetProperty("ip").GetString());
        Assert.Equal("source.ip", json.GetProperty("kibana.alert.rule.parameters").GetProperty("threshold").GetProperty("field")[0].GetString());
        Assert.Equal("siem.thresholdRule", json.GetProperty("kibana.alert.rule.rule_type_id").GetString());
    }

    [Fact]
    public void Suppression_new_terms_group_and_override_fields_are_written()
    {
        var suppressed = Assert.Single(Run(DetectionRules.Detector(null, DetectionRules.SuppressedWithDuration), new[]
        {
            At(Minutes(1), ("event.action", "dup"), ("host.name", "h1")),
            At(Minutes(2), ("event.action", "dup"), ("host.name", "h1")),
        }));
        var json = Parse(suppressed);
        Assert.Equal(1, json.GetProperty("kibana.alert.suppression.docs_count").GetInt64());
        var term = Assert.Single(json.GetProperty("kibana.alert.suppression.terms").EnumerateArray());
        Assert.Equal("host.name", term.GetProperty("field").GetString());
        Assert.Equal("h1", term.GetProperty("value")[0].GetString());
        Assert.Equal("2026-11-20T10:02:00+00:00", json.GetProperty("kibana.alert.suppression.end").GetString());
        Assert.Equal(64, json.GetProperty("kibana.alert.instance.id").GetString()!.Length);
        Assert.Equal(10, json.GetProperty("kibana.alert.rule.parameters").GetProperty("alert_suppression").GetProperty("duration").GetProperty("value").GetInt32());

        var newTerms = Parse(Assert.Single(Run(DetectionRules.Detector(null, DetectionRules.NewTerms), new[]
        {
            At(Minutes(1), ("event.action", "login"), ("host.name", "h1"), ("user.name", "alice")),
        })));
        Assert.Equal(new[] { "h1", "alice" }, newTerms.GetProperty("kibana.alert.new_terms").EnumerateArray().Select(v => v.GetString()));

        var overridden = Parse(Assert.Single(Run(DetectionRules.Detector(null, DetectionRules.Overrides), new[]
        {
            At(Minutes(1), ("event.action", "override"), ("host.name", "high-host"), ("rule.name", "From the event")),
        })));
        Assert.Equal("From the event", overridden.GetProperty("kibana.alert.rule.name").GetString());
        Assert.Equal("high", overridden.GetProperty("kibana.alert.severity").GetString());
        Assert.Equal("low", overridden.GetProperty("kibana.alert.rule.severity").GetString());
        Assert.Equal("default", overridden.GetProperty("kibana.alert.building_block_type").GetString());

        var sequence = new List<Alert>();
        DetectionRules.Detector(null, DetectionRules.Sequence).ProcessSequence(DetectionRules.Get(DetectionRules.Sequence),
            new[] { At(Minutes(1), ("host.name", "h")), At(Minutes(2), ("host.name", "h")) }, sequence);
        var block = Parse(sequence.First(a => a.Depth == 1));
        Assert.Equal(0, block.GetProperty("kibana.alert.group.index").GetInt32());
        var shell = Parse(sequence.Single(a => a.Depth == 2));
        Assert.Equal(block.GetProperty("kibana.alert.group.id").GetString(), shell.GetProperty("kibana.alert.group.id").GetString());
        Assert.False(shell.TryGetProperty("kibana.alert.group.index", out _));
        Assert.Equal(2, shell.GetProperty("kibana.alert.depth").GetInt32());
    }
}
