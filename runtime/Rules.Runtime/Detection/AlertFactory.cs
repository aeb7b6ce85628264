using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Rules.Runtime;

/// <summary>
/// Builds a rule's alerts with Kibana's per-alert overrides: rule_name_override (the rule name from an event
/// field), severity_mapping (the highest severity whose field value matches), risk_score_mapping (the largest value
/// of the field in 0..100), building_block_type. Sources in docs/alerts.md.
/// </summary>
internal sealed class AlertFactory
{
    private static readonly string[] SeverityOrder = { "low", "medium", "high", "critical" };
    private readonly RuleMetadata _rule;
    private readonly SeverityMappingEntry[] _severityMappingLowToHigh;

    public AlertFactory(RuleMetadata rule)
    {
        _rule = rule;
        // Kibana sorts the mapping from low to high severity and keeps the last match: the highest matching severity.
        _severityMappingLowToHigh = rule.SeverityMapping
            .Select((entry, index) => (entry, index))
            .OrderBy(x => Array.IndexOf(SeverityOrder, x.entry.Severity))
            .ThenBy(x => x.index)
            .Select(x => x.entry)
            .ToArray();
    }

    public RuleMetadata Rule => _rule;

    /// <summary>The alert on one event.</summary>
    public Alert ForEvent(EventCapture capture, DateTimeOffset time, string idSalt = "", IReadOnlyList<string>? newTerms = null, AlertGroup? group = null)
    {
        // The live event is read now (overrides, reason); the alert keeps the capture.
        var source = capture.Source;
        var ruleName = RuleName(source);
        var severity = Severity(source);
        return new Alert(_rule, capture.Captured, time)
        {
            Id = AlertIds.ForEvent(_rule.RuleId, capture.Captured.Json.Span, idSalt),
            OriginalTime = time,
            RuleName = ruleName,
            Severity = severity,
            RiskScore = RiskScore(source),
            Reason = Alert.ReasonFor(source, severity, ruleName),
            NewTerms = newTerms,
            Group = group,
            BuildingBlockType = group?.Index is not null ? "default" : _rule.BuildingBlockType,
            Ancestors = new[] { new AlertAncestor(capture.Id, "event", capture.Index, 0) },
        };
    }

    /// <summary>A threshold bucket's alert: its source holds the bucket's terms and @timestamp is its last event.</summary>
    public Alert ForThreshold(ThresholdResult result, DateTimeOffset lastEventTime, DateTimeOffset runTime)
    {
        var source = new EcsEvent { Timestamp = lastEventTime };
        foreach (var term in result.Terms)
        {
            if (term.Values.Count > 0)
            {
                source.Set(term.Field, term.Values[0]);
            }
        }

        var severity = Severity(source);
        var ruleName = RuleName(source);
        var terms = string.Join(", ", result.Terms.Select(t => $"{t.Field}: {string.Join(", ", t.Values)}"));
        var count = result.Count == 1 ? "1 event" : $"{result.Count} events";
        return new Alert(_rule, source, runTime)
        {
            Id = AlertIds.Hash(_rule.RuleId, "threshold", EventFieldValues.FormatDate(runTime), string.Join("\u001f", result.Terms.Select(t => t.Field + "=" + string.Join(",", t.Values)))),
            OriginalTime = lastEventTime,
            RuleName = ruleName,
            Severity = severity,
            RiskScore = RiskScore(source),
            Threshold = result,
            Reason = terms.Length == 0
                ? $"{count} created {severity} alert {ruleName}."
                : $"{count} with {terms} created {severity} alert {ruleName}.",
        };
    }

    /// <summary>A sequence's shell alert: its source holds the fields every event of the sequence shares.</summary>
    public Alert ForSequenceShell(EcsEvent shared, DateTimeOffset time, AlertGroup group, IReadOnlyList<Alert> buildingBlocks)
    {
        var ancestors = new List<AlertAncestor>();
        foreach (var block in buildingBlocks)
        {
            ancestors.AddRange(block.Ancestors);
            ancestors.Add(new AlertAncestor(block.Id, "signal", string.Empty, 1, _rule.RuleId));
        }

        return new Alert(_rule, shared, time)
        {
            Id = AlertIds.Hash(_rule.RuleId, "sequence", group.Id),
            OriginalTime = time,
            RuleName = RuleName(shared),
            Severity = Severity(shared),
            RiskScore = RiskScore(shared),
            Group = group,
            Depth = 2,
            Ancestors = ancestors,
        };
    }

    private string RuleName(EcsEvent source) =>
        _rule.RuleNameOverride.Length > 0 && EventFieldValues.GetFirstString(source, _rule.RuleNameOverride) is { Length: > 0 } name ? name : _rule.Name;

    private string Severity(EcsEvent source)
    {
        string? match = null;
        foreach (var mapping in _severityMappingLowToHigh)
        {
            if (Array.IndexOf(SeverityOrder, mapping.Severity) >= 0 && Matches(source, mapping))
            {
                match = mapping.Severity;
            }
        }

        return match ?? _rule.Severity;
    }

    private static bool Matches(EcsEvent source, SeverityMappingEntry mapping)
    {
        var values = EventFieldValues.GetStrings(source, mapping.Field);
        // Kibana parses the mapping value of event.severity (a long) as a number, floored; others compare as given.
        var expected = mapping.Value;
        if (mapping.Field == "event.severity" && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            expected = Math.Floor(number).ToString(CultureInfo.InvariantCulture);
        }

        return Array.IndexOf(values, expected) >= 0;
    }

    private int RiskScore(EcsEvent source)
    {
        if (_rule.RiskScoreMapping.Count == 0)
        {
            return _rule.RiskScore;
        }

        // Kibana reads the first mapping's field only and takes the largest value that is a number in 0..100.
        double? best = null;
        foreach (var text in EventFieldValues.GetStrings(source, _rule.RiskScoreMapping[0].Field))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0 && value <= 100)
            {
                best = best is { } b ? Math.Max(b, value) : value;
            }
        }

        return best is { } score ? (int)Math.Round(score, MidpointRounding.AwayFromZero) : _rule.RiskScore;
    }
}
