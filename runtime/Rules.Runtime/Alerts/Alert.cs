using System;

namespace Rules.Runtime;

/// <summary>
/// An alert: a rule matched an event. Carries the rule's metadata and a snapshot of the source event (the reader
/// may reuse its event objects, so the alert owns its own copy).
/// </summary>
public sealed class Alert
{
    public Alert(RuleMetadata rule, EcsEvent sourceEvent, DateTimeOffset detectedAt)
    {
        Rule = rule;
        Event = sourceEvent;
        DetectedAt = detectedAt;
        Id = Guid.NewGuid();
    }

    /// <summary>A unique id for this alert (kibana.alert.uuid).</summary>
    public Guid Id { get; }

    public RuleMetadata Rule { get; }

    /// <summary>The event that matched (a snapshot the alert owns).</summary>
    public EcsEvent Event { get; }

    /// <summary>When the alert was raised (the alert's @timestamp).</summary>
    public DateTimeOffset DetectedAt { get; }

    /// <summary>The source event's own time (kibana.alert.original_time).</summary>
    public DateTimeOffset? OriginalTime => Event.Timestamp;

    public string Severity => Rule.Severity;

    public int RiskScore => Rule.RiskScore;

    /// <summary>A one-line human reason, in the style of kibana.alert.reason.</summary>
    public string Reason
    {
        get
        {
            var category = Event.Event?.Category is { Length: > 0 } categories ? string.Join(", ", categories) : "event";
            var host = Event.Host?.Name ?? Event.Host?.Hostname;
            var process = Event.Process?.Name;
            var on = host is null ? string.Empty : $" on {host}";
            var by = process is null ? string.Empty : $" by {process}";
            return $"{category} event{by}{on} created {Rule.Severity} alert {Rule.Name}.";
        }
    }

    public override string ToString() => $"{Rule.Severity} {Rule.Name} ({Rule.RuleId})";
}
