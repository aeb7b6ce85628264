using System;
using System.Collections.Generic;

namespace Rules.Runtime;

/// <summary>One term of a threshold bucket or a suppression group (kibana.alert.threshold_result.terms,
/// kibana.alert.suppression.terms): the field and its value(s); no values means the field was missing.</summary>
public sealed record AlertTerm(string Field, IReadOnlyList<string> Values);

/// <summary>kibana.alert.threshold_result.cardinality entry: distinct values counted for a field.</summary>
public sealed record ThresholdCardinalityResult(string Field, long Value);

/// <summary>kibana.alert.threshold_result: the bucket's terms, its event count, its first event time, cardinality.</summary>
public sealed record ThresholdResult(IReadOnlyList<AlertTerm> Terms, long Count, DateTimeOffset From, IReadOnlyList<ThresholdCardinalityResult> Cardinality);

/// <summary>kibana.alert.suppression.*: the group, the first and last suppressed event time, how many were suppressed.</summary>
public sealed record AlertSuppression(IReadOnlyList<AlertTerm> Terms, DateTimeOffset Start, DateTimeOffset End, long DocsCount);

/// <summary>kibana.alert.group.*: the alerts of one sequence share an id; a building block has its index in the sequence.</summary>
public sealed record AlertGroup(string Id, int? Index);

/// <summary>kibana.alert.ancestors entry: an event (depth 0) or an alert this alert was built from.</summary>
public sealed record AlertAncestor(string Id, string Type, string Index, int Depth, string? Rule = null);

/// <summary>
/// An alert: a rule matched an event (or a group of events). Carries the rule's metadata, the source event as
/// captured when it matched (<see cref="CapturedEvent"/>: the reader reuses its event objects, so the alert owns
/// its own immutable copy) and what the detector decided: rule name, severity and risk score after overrides and
/// mappings, threshold, new terms, suppression and group fields. Written as an Elastic Security alert document by
/// <see cref="AlertJson"/>; see docs/alerts.md.
/// </summary>
public sealed class Alert
{
    private string? _id;
    private string? _reason;

    /// <summary>An alert on an event the caller hands over: its content is captured now, and later changes to the
    /// instance do not reach the alert document.</summary>
    public Alert(RuleMetadata rule, EcsEvent sourceEvent, DateTimeOffset detectedAt)
        : this(rule, CapturedEvent.OfOwned(sourceEvent ?? throw new ArgumentNullException(nameof(sourceEvent))), detectedAt)
    {
        OriginalTime = sourceEvent.Timestamp;
    }

    /// <summary>An alert on a captured event; set <see cref="OriginalTime"/> (the event's time) when it has one.</summary>
    public Alert(RuleMetadata rule, CapturedEvent source, DateTimeOffset detectedAt)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(source);
        Rule = rule;
        Source = source;
        DetectedAt = detectedAt;
        RuleName = rule.Name;
        Severity = rule.Severity;
        RiskScore = rule.RiskScore;
        BuildingBlockType = rule.BuildingBlockType;
    }

    /// <summary>kibana.alert.uuid (also the document id to index it under): derived from the rule and the source
    /// event's content unless the detector set it, so the same event and rule always give the same id.</summary>
    public string Id
    {
        get => _id ??= AlertIds.ForEvent(Rule.RuleId, Source.Json.Span, salt: null);
        init => _id = value;
    }

    public RuleMetadata Rule { get; }

    /// <summary>The source event as captured (its JSON); the alert document's source fields are written from it.</summary>
    public CapturedEvent Source { get; }

    /// <summary>The event that matched (parsed from the capture on first use); for threshold and sequence shell
    /// alerts, the fields Elastic puts in the alert's source (the bucket's terms; the fields all sequence events share).</summary>
    public EcsEvent Event => Source.Event;

    /// <summary>The alert's @timestamp: the event time at which the detector raised it (deterministic on replay).</summary>
    public DateTimeOffset DetectedAt { get; }

    /// <summary>The source event's own time (kibana.alert.original_time): its timestamp_override or @timestamp.</summary>
    public DateTimeOffset? OriginalTime { get; init; }

    /// <summary>kibana.alert.rule.name: the rule's name, or the event's rule_name_override field.</summary>
    public string RuleName { get; init; }

    /// <summary>kibana.alert.severity after severity_mapping.</summary>
    public string Severity { get; init; }

    /// <summary>kibana.alert.risk_score after risk_score_mapping.</summary>
    public int RiskScore { get; init; }

    /// <summary>kibana.alert.building_block_type ("default") or empty.</summary>
    public string BuildingBlockType { get; init; }

    public ThresholdResult? Threshold { get; init; }

    /// <summary>kibana.alert.new_terms: the values, one per new_terms field, that were new.</summary>
    public IReadOnlyList<string>? NewTerms { get; init; }

    /// <summary>Set when alert_suppression kept this alert for a group (the duplicates it stands for).</summary>
    public AlertSuppression? Suppression { get; internal set; }

    public AlertGroup? Group { get; init; }

    public IReadOnlyList<AlertAncestor> Ancestors { get; init; } = Array.Empty<AlertAncestor>();

    /// <summary>kibana.alert.depth: 1 for an alert on events, 2 for a sequence shell built on building blocks.</summary>
    public int Depth { get; init; } = 1;

    /// <summary>A one-line human reason, in the style of kibana.alert.reason.</summary>
    public string Reason
    {
        get => _reason ??= DefaultReason();
        init => _reason = value;
    }

    private string DefaultReason() => ReasonFor(Event, Severity, RuleName);

    /// <summary>Kibana's reason style for an alert on one event: category, process, user, host, severity, rule.</summary>
    internal static string ReasonFor(EcsEvent e, string severity, string ruleName)
    {
        var category = e.Event?.Category is { Length: > 0 } categories ? string.Join(", ", categories) : "event";
        var host = e.Host?.Name ?? e.Host?.Hostname;
        var process = e.Process?.Name;
        var user = e.User?.Name;
        var with = process is null ? string.Empty : $" with process {process},";
        var by = user is null ? string.Empty : $" by {user}";
        var on = host is null ? string.Empty : $" on {host}";
        return $"{category} event{with}{by}{on} created {severity} alert {ruleName}.";
    }

    public override string ToString() => $"{Severity} {RuleName} ({Rule.RuleId})";
}
