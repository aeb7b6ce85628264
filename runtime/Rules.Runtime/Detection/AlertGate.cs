using System;
using System.Collections.Generic;
using System.Linq;

namespace Rules.Runtime;

/// <summary>
/// The last step of a rule's alerts in event time: <c>alert_suppression</c>, then <c>max_signals</c> per interval.
/// <para>Suppression (Kibana's alert suppression): alerts are grouped by the values of <c>group_by</c>; the first
/// alert of a group is kept and the later ones inside its window only counted (kibana.alert.suppression.docs_count,
/// start, end). The window is <c>duration</c> from the first alert, or without a duration the interval-aligned
/// bucket of the rule execution it falls in. Elastic updates the kept alert in place as duplicates arrive; a stream
/// cannot update a delivered alert, so the kept alert is held and released when event time passes its window's end
/// (or at the end of the stream) with the final counts. missing_fields_strategy suppress groups events missing a
/// field together (value null); doNotSuppress raises them unsuppressed.</para>
/// <para>max_signals: Kibana creates at most max_signals alerts per rule execution; here per interval-aligned bucket
/// of event time. Alerts over it are counted (throttled), not raised; a suppressed group over it is not opened.</para>
/// </summary>
internal sealed class AlertGate
{
    private readonly RuleTiming _timing;
    private readonly AlertSuppressionSettings? _suppression;
    private readonly IReadOnlyList<string> _groupBy = Array.Empty<string>();
    private readonly TimeSpan? _suppressionDuration;
    private readonly bool _suppressMissing;
    private readonly Dictionary<string, HeldGroup> _held = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, int> _alertsPerBucket = new();
    private readonly RuleCounters _counters;
    private long _heldSequence;

    public AlertGate(RuleMetadata rule, RuleTiming timing, RuleCounters counters)
    {
        _timing = timing;
        _counters = counters;
        _suppression = rule.AlertSuppression;
        if (_suppression is not null)
        {
            _suppressionDuration = RuleTiming.TryParseDuration(_suppression.Duration, out var duration) && duration > TimeSpan.Zero ? duration : null;
            _suppressMissing = !string.Equals(_suppression.MissingFieldsStrategy, "doNotSuppress", StringComparison.Ordinal);
            // Kibana's threshold suppression groups by the threshold fields (its alert_suppression has a duration only).
            _groupBy = rule.Type == "threshold" && rule.Threshold is { } threshold ? threshold.Fields : _suppression.GroupBy;
        }
    }

    /// <summary>When the earliest held group's window ends; null when none is held.</summary>
    public DateTimeOffset? NextDeadline { get; private set; }

    /// <summary>Offers an alert (with companions that stand or fall with it: a sequence's building blocks);
    /// <paramref name="source"/> is the event its group-by values are read from, now.</summary>
    public void Offer(Alert alert, EcsEvent source, IReadOnlyList<Alert>? companions, DateTimeOffset time, List<Alert> output)
    {
        if (_suppression is null)
        {
            if (Admit(time))
            {
                Emit(alert, companions, output);
            }

            return;
        }

        var terms = new List<AlertTerm>(_groupBy.Count);
        var missing = false;
        foreach (var field in _groupBy)
        {
            var values = EventFieldValues.GetStrings(source, field);
            Array.Sort(values, StringComparer.Ordinal);
            missing |= values.Length == 0;
            terms.Add(new AlertTerm(field, values));
        }

        if (missing && !_suppressMissing)
        {
            if (Admit(time))
            {
                alert.Suppression = new AlertSuppression(terms, time, time, 0);
                Emit(alert, companions, output);
            }

            return;
        }

        var key = string.Join("\u001e", terms.Select(t => t.Values.Count == 0 ? "\u0000" : string.Join("\u001f", t.Values)));
        if (_held.TryGetValue(key, out var group))
        {
            if (group.Contains(time))
            {
                group.Suppressed++;
                var (first, last) = SuppressedSpan(alert, time);
                if (first < group.Start)
                {
                    group.Start = first;
                }

                if (last > group.End)
                {
                    group.End = last;
                }

                _counters.CountSuppressed(1);
                return;
            }

            // The group's window is over (event time moved on, or this alert is older than the window): the kept
            // alert goes out before a new one opens.
            _held.Remove(key);
            Release(group, output);
        }

        if (!Admit(time))
        {
            return;
        }

        var windowStart = _suppressionDuration is null ? _timing.BucketStart(time) : time;
        var windowEnd = windowStart + (_suppressionDuration ?? _timing.Interval);
        var (start, end) = SuppressedSpan(alert, time);
        _held[key] = new HeldGroup(alert, companions, terms, windowStart, windowEnd, start, end, ++_heldSequence)
        {
            EndIncluded = _suppressionDuration is not null,
        };
        // A stale earlier deadline (a group released above) only makes Advance look once for nothing.
        if (NextDeadline is null || windowEnd < NextDeadline)
        {
            NextDeadline = windowEnd;
        }
    }

    /// <summary>Releases the held alerts whose window is over at <paramref name="watermark"/>.</summary>
    public void Advance(DateTimeOffset watermark, List<Alert> output)
    {
        if (NextDeadline is not { } deadline || deadline > watermark)
        {
            return;
        }

        var due = _held.Where(pair => pair.Value.IsOverAt(watermark))
            .OrderBy(pair => pair.Value.WindowEnd).ThenBy(pair => pair.Value.Sequence).ToList();
        foreach (var (key, group) in due)
        {
            _held.Remove(key);
            Release(group, output);
        }

        UpdateDeadline();
    }

    /// <summary>End of the stream: releases every held alert.</summary>
    public void Complete(List<Alert> output)
    {
        foreach (var group in _held.Values.OrderBy(g => g.WindowEnd).ThenBy(g => g.Sequence).ToList())
        {
            Release(group, output);
        }

        _held.Clear();
        NextDeadline = null;
    }

    private bool Admit(DateTimeOffset time)
    {
        var bucket = _timing.BucketStart(time).UtcTicks;
        _alertsPerBucket.TryGetValue(bucket, out var count);
        if (count >= _timing.MaxSignals)
        {
            _counters.CountThrottled(1);
            return false;
        }

        _alertsPerBucket[bucket] = count + 1;
        // Keep a few recent buckets only (events may be a little out of order).
        while (_alertsPerBucket.Count > 16)
        {
            _alertsPerBucket.Remove(_alertsPerBucket.Keys.First());
        }

        return true;
    }

    private void Release(HeldGroup group, List<Alert> output)
    {
        group.Alert.Suppression = new AlertSuppression(group.Terms, group.Start, group.End, group.Suppressed);
        Emit(group.Alert, group.Companions, output);
    }

    private void Emit(Alert alert, IReadOnlyList<Alert>? companions, List<Alert> output)
    {
        if (companions is not null)
        {
            output.AddRange(companions);
            _counters.CountRaised(companions.Count);
        }

        output.Add(alert);
        _counters.CountRaised(1);
    }

    private void UpdateDeadline()
    {
        DateTimeOffset? min = null;
        foreach (var group in _held.Values)
        {
            if (min is null || group.WindowEnd < min)
            {
                min = group.WindowEnd;
            }
        }

        NextDeadline = min;
    }

    // kibana.alert.suppression.start/end cover the suppressed events: an alert's own event time, or for a threshold
    // alert its bucket's first and last event (Kibana wrap_suppressed_threshold_alerts: min/max_timestamp).
    private static (DateTimeOffset Start, DateTimeOffset End) SuppressedSpan(Alert alert, DateTimeOffset time) =>
        alert.Threshold is { } threshold && alert.OriginalTime is { } last ? (threshold.From, last) : (time, time);

    private sealed class HeldGroup(Alert alert, IReadOnlyList<Alert>? companions, IReadOnlyList<AlertTerm> terms, DateTimeOffset windowStart, DateTimeOffset windowEnd, DateTimeOffset start, DateTimeOffset end, long sequence)
    {
        public Alert Alert { get; } = alert;
        public IReadOnlyList<Alert>? Companions { get; } = companions;
        public IReadOnlyList<AlertTerm> Terms { get; } = terms;
        public DateTimeOffset WindowStart { get; } = windowStart;
        public DateTimeOffset WindowEnd { get; } = windowEnd;

        // A duration window takes alerts up to its end inclusive: Kibana suppresses into an alert whose @timestamp
        // is gte now - duration. A rule-execution window (no duration) is its interval, end excluded.
        public bool EndIncluded { get; init; }

        public bool Contains(DateTimeOffset time) => time >= WindowStart && (EndIncluded ? time <= WindowEnd : time < WindowEnd);

        public bool IsOverAt(DateTimeOffset watermark) => EndIncluded ? watermark > WindowEnd : watermark >= WindowEnd;
        public DateTimeOffset Start { get; set; } = start;
        public DateTimeOffset End { get; set; } = end;
        public long Suppressed { get; set; }
        public long Sequence { get; } = sequence;
    }
}
