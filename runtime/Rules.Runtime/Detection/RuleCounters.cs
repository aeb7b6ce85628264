using System.Collections.Generic;
using System.Threading;

namespace Rules.Runtime;

/// <summary>What the detector did for one rule. Written by the detector's thread, readable from any thread.</summary>
public sealed class RuleCounters
{
    private readonly KeyValuePair<string, object?> _tag;
    private long _matched;
    private long _raised;
    private long _suppressed;
    private long _throttled;
    private long _evicted;

    internal RuleCounters(RuleMetadata rule, string pipeline)
    {
        Rule = rule;
        _tag = RulesMetrics.Tag(pipeline);
    }

    public RuleMetadata Rule { get; }

    /// <summary>Events the rule's query matched.</summary>
    public long Matched => Interlocked.Read(ref _matched);

    /// <summary>Alerts raised (building blocks included).</summary>
    public long Raised => Interlocked.Read(ref _raised);

    /// <summary>Alerts folded into a kept alert by alert_suppression.</summary>
    public long SuppressedCount => Interlocked.Read(ref _suppressed);

    /// <summary>Alerts over max_signals per interval.</summary>
    public long ThrottledCount => Interlocked.Read(ref _throttled);

    /// <summary>Aggregation state evicted at its bound (new_terms terms, threshold groups).</summary>
    public long EvictedCount => Interlocked.Read(ref _evicted);

    internal void CountMatch()
    {
        Interlocked.Increment(ref _matched);
        RulesMetrics.EventsMatched.Add(1, _tag);
    }

    internal void CountRaised(long count)
    {
        Interlocked.Add(ref _raised, count);
        RulesMetrics.AlertsRaised.Add(count, _tag);
    }

    internal void CountSuppressed(long count)
    {
        Interlocked.Add(ref _suppressed, count);
        RulesMetrics.AlertsSuppressed.Add(count, _tag);
    }

    internal void CountThrottled(long count)
    {
        Interlocked.Add(ref _throttled, count);
        RulesMetrics.AlertsThrottled.Add(count, _tag);
    }

    internal void CountEvicted(long count)
    {
        Interlocked.Add(ref _evicted, count);
        RulesMetrics.StateEvicted.Add(count, _tag);
    }
}
