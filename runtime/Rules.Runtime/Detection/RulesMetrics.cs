using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Rules.Runtime;

/// <summary>
/// The runtime's metrics through System.Diagnostics.Metrics (Meter "Rules.Runtime"), for OpenTelemetry or
/// dotnet-counters. Every measurement carries the tag <c>rules.pipeline</c> (the detector's or dispatcher's name) so
/// several pipelines in one process stay apart. Counters are lock-free and do not allocate.
/// </summary>
public static class RulesMetrics
{
    public const string MeterName = "Rules.Runtime";
    public const string PipelineTag = "rules.pipeline";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Events the detector processed.</summary>
    public static readonly Counter<long> EventsRead = Meter.CreateCounter<long>("rules.events.read", "{event}", "Events processed by the detector.");

    /// <summary>Rule matches (one event matching two rules counts two).</summary>
    public static readonly Counter<long> EventsMatched = Meter.CreateCounter<long>("rules.events.matched", "{match}", "Rule matches on events.");

    /// <summary>Events without an event time (no timestamp_override value and no @timestamp): Elastic never searches them.</summary>
    public static readonly Counter<long> EventsUntimed = Meter.CreateCounter<long>("rules.events.untimed", "{event}", "Events skipped for lack of an event time.");

    /// <summary>Alerts the detector raised (handed to the dispatcher).</summary>
    public static readonly Counter<long> AlertsRaised = Meter.CreateCounter<long>("rules.alerts.raised", "{alert}", "Alerts raised.");

    /// <summary>Duplicates alert_suppression folded into a kept alert.</summary>
    public static readonly Counter<long> AlertsSuppressed = Meter.CreateCounter<long>("rules.alerts.suppressed", "{alert}", "Alerts suppressed by alert_suppression.");

    /// <summary>Alerts not raised because the rule reached max_signals in its interval.</summary>
    public static readonly Counter<long> AlertsThrottled = Meter.CreateCounter<long>("rules.alerts.throttled", "{alert}", "Alerts over max_signals per interval.");

    /// <summary>Alerts a sink could not take after all retries.</summary>
    public static readonly Counter<long> AlertsDropped = Meter.CreateCounter<long>("rules.alerts.dropped", "{alert}", "Alerts a sink failed to deliver after retries.");

    /// <summary>Failed sink calls (each failed attempt and each failed flush).</summary>
    public static readonly Counter<long> SinkErrors = Meter.CreateCounter<long>("rules.sink.errors", "{error}", "Sink write or flush failures.");

    /// <summary>State evicted from bounded aggregation (new_terms terms, threshold groups).</summary>
    public static readonly Counter<long> StateEvicted = Meter.CreateCounter<long>("rules.state.evicted", "{entry}", "Aggregation state entries evicted at their bound.");

    internal static KeyValuePair<string, object?> Tag(string pipeline) => new(PipelineTag, pipeline);
}
