using System;
using System.Collections.Generic;
using System.Linq;

namespace Rules.Runtime;

/// <summary>One rule's handling of its matches, by rule type; owns the rule's state. Single-threaded.</summary>
internal abstract class RuleRunner
{
    protected RuleRunner(RuleMetadata rule, DetectorOptions options, RuleCounters counters)
    {
        Rule = rule;
        Options = options;
        Counters = counters;
        Timing = RuleTiming.For(rule);
        Factory = new AlertFactory(rule);
        Gate = new AlertGate(rule, Timing, counters);
    }

    public RuleMetadata Rule { get; }

    public RuleTiming Timing { get; }

    public RuleCounters Counters { get; }

    protected DetectorOptions Options { get; }

    public AlertFactory Factory { get; }

    public AlertGate Gate { get; }

    /// <summary>The event time this rule uses: its timestamp_override field, else @timestamp (Kibana's fallback).</summary>
    public DateTimeOffset? EventTime(EcsEvent e) =>
        Rule.TimestampOverride.Length > 0 && EventFieldValues.GetDate(e, Rule.TimestampOverride) is { } overridden ? overridden : e.Timestamp;

    /// <summary>The earliest event time at which <see cref="Advance"/> has something to do.</summary>
    public virtual DateTimeOffset? NextDeadline => Gate.NextDeadline;

    public abstract void OnMatch(EventCapture capture, DateTimeOffset time, List<Alert> output);

    public virtual void Advance(DateTimeOffset watermark, List<Alert> output) => Gate.Advance(watermark, output);

    public virtual void Complete(List<Alert> output) => Gate.Complete(output);

    public static RuleRunner Create(RuleMetadata rule, DetectorOptions options, RuleCounters counters) => rule.Type switch
    {
        "threshold" when rule.Threshold is not null => new ThresholdRuleRunner(rule, options, counters),
        "new_terms" when rule.NewTerms is not null => new NewTermsRuleRunner(rule, options, counters),
        _ => new QueryRuleRunner(rule, options, counters),
    };
}

/// <summary>query and eql (single event) rules: one alert per matching event.</summary>
internal sealed class QueryRuleRunner(RuleMetadata rule, DetectorOptions options, RuleCounters counters) : RuleRunner(rule, options, counters)
{
    public override void OnMatch(EventCapture capture, DateTimeOffset time, List<Alert> output) =>
        Gate.Offer(Factory.ForEvent(capture, time), capture.Source, null, time, output);
}

/// <summary>
/// new_terms: an alert for each combination of the new_terms fields' values not seen within the history window
/// (history_window_start, such as now-7d, measured back from the event's time). Kibana alerts on the first document
/// of each new term in a run; in a stream that is the first event carrying it. State: the last time each
/// combination was seen, at most <see cref="DetectorOptions.MaxNewTermsPerRule"/>; at the bound, combinations older
/// than the history window go first, then the least recently seen (counted as evicted: an evicted combination seen
/// again alerts again).
/// </summary>
internal sealed class NewTermsRuleRunner : RuleRunner
{
    private readonly Dictionary<string, long> _lastSeenTicks = new(StringComparer.Ordinal);
    private readonly TimeSpan _history;
    private long _watermarkTicks = long.MinValue;

    public NewTermsRuleRunner(RuleMetadata rule, DetectorOptions options, RuleCounters counters)
        : base(rule, options, counters)
    {
        _history = RuleTiming.TryParseRelative(rule.NewTerms!.HistoryWindowStart, out var history) ? history : TimeSpan.FromDays(7);
    }

    public int TrackedTerms => _lastSeenTicks.Count;

    public override void OnMatch(EventCapture capture, DateTimeOffset time, List<Alert> output)
    {
        var fields = Rule.NewTerms!.Fields;
        var ticks = time.UtcTicks;
        _watermarkTicks = Math.Max(_watermarkTicks, ticks);
        foreach (var combination in TermCombinations.Of(capture.Source, fields, Options.MaxTermCombinations))
        {
            var key = TermCombinations.Key(combination);
            bool isNew;
            if (_lastSeenTicks.TryGetValue(key, out var last))
            {
                isNew = ticks - last > _history.Ticks;
                _lastSeenTicks[key] = Math.Max(last, ticks);
            }
            else
            {
                isNew = true;
                MakeRoom();
                _lastSeenTicks[key] = ticks;
            }

            if (isNew)
            {
                Gate.Offer(Factory.ForEvent(capture, time, idSalt: key, newTerms: combination), capture.Source, null, time, output);
            }
        }
    }

    private void MakeRoom()
    {
        if (_lastSeenTicks.Count < Options.MaxNewTermsPerRule)
        {
            return;
        }

        var horizon = _watermarkTicks - _history.Ticks;
        var expired = _lastSeenTicks.Where(p => p.Value < horizon).Select(p => p.Key).ToList();
        foreach (var key in expired)
        {
            _lastSeenTicks.Remove(key);
        }

        if (_lastSeenTicks.Count < Options.MaxNewTermsPerRule)
        {
            return;
        }

        // Still full of live terms: evict the least recently seen tenth at once, so this runs rarely.
        var evict = _lastSeenTicks.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(Math.Max(1, Options.MaxNewTermsPerRule / 10)).Select(p => p.Key).ToList();
        foreach (var key in evict)
        {
            _lastSeenTicks.Remove(key);
        }

        Counters.CountEvicted(evict.Count);
    }
}

/// <summary>
/// threshold: Kibana runs the rule every interval over the look-back [run - from, run], buckets the matching events
/// by the threshold fields and alerts for each bucket with count >= value (and distinct count of the cardinality
/// field >= its value); its signal history then leaves out of later runs the events of that bucket up to the
/// alert's last event. Here the runs happen in event time, at epoch-aligned multiples of the interval: the run at T
/// is evaluated once an event later than T arrives (or at the end of the stream), so a replay gives the same
/// alerts as the live stream. State per bucket: the times (and cardinality values) of events still inside some
/// future run's look-back; at most <see cref="DetectorOptions.MaxThresholdGroupsPerRule"/> buckets (new buckets
/// beyond it are not tracked, counted as evicted).
/// </summary>
internal sealed class ThresholdRuleRunner : RuleRunner
{
    private readonly SortedDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly ThresholdSettings _settings;
    private readonly ThresholdCardinality? _cardinality;
    private DateTimeOffset? _nextRun;

    public ThresholdRuleRunner(RuleMetadata rule, DetectorOptions options, RuleCounters counters)
        : base(rule, options, counters)
    {
        _settings = rule.Threshold!;
        // Kibana uses the first cardinality entry only.
        _cardinality = _settings.Cardinality.Count > 0 ? _settings.Cardinality[0] : null;
    }

    public override DateTimeOffset? NextDeadline =>
        _nextRun is { } run && (Gate.NextDeadline is not { } held || run < held) ? run : Gate.NextDeadline;

    public override void OnMatch(EventCapture capture, DateTimeOffset time, List<Alert> output)
    {
        var e = capture.Source;
        List<string>? cardinalityValues = null;
        if (_cardinality is not null)
        {
            cardinalityValues = new List<string>(1);
            EventFieldValues.AppendStrings(e, _cardinality.Field, cardinalityValues);
        }

        foreach (var combination in TermCombinations.Of(e, _settings.Fields, Options.MaxTermCombinations))
        {
            var key = TermCombinations.Key(combination);
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                if (_buckets.Count >= Options.MaxThresholdGroupsPerRule)
                {
                    Counters.CountEvicted(1);
                    continue;
                }

                _buckets[key] = bucket = new Bucket(combination);
            }

            bucket.Times.Add(time.UtcTicks);
            if (cardinalityValues is not null)
            {
                foreach (var value in cardinalityValues)
                {
                    bucket.Cardinality.Add((time.UtcTicks, value));
                }
            }
        }

        // The first run that sees this event: the first aligned run time at or after it.
        var run = RuleTiming.Floor(time, Timing.Interval);
        if (run < time)
        {
            run += Timing.Interval;
        }

        if (_nextRun is null || run < _nextRun)
        {
            _nextRun = run;
        }
    }

    public override void Advance(DateTimeOffset watermark, List<Alert> output)
    {
        while (_nextRun is { } run && run < watermark)
        {
            Evaluate(run, output);
            _nextRun = _buckets.Count == 0 ? null : run + Timing.Interval;
        }

        Gate.Advance(watermark, output);
    }

    public override void Complete(List<Alert> output)
    {
        while (_nextRun is { } run)
        {
            Evaluate(run, output);
            _nextRun = _buckets.Count == 0 ? null : run + Timing.Interval;
        }

        Gate.Complete(output);
    }

    private void Evaluate(DateTimeOffset run, List<Alert> output)
    {
        var start = (run - Timing.LookBack).UtcTicks;
        var end = run.UtcTicks;
        var nextStart = (run + Timing.Interval - Timing.LookBack).UtcTicks;
        var empty = new List<string>();
        foreach (var (key, bucket) in _buckets)
        {
            long count = 0;
            long first = long.MaxValue;
            long last = long.MinValue;
            foreach (var ticks in bucket.Times)
            {
                if (ticks >= start && ticks <= end && ticks > bucket.LastSignalTicks)
                {
                    count++;
                    first = Math.Min(first, ticks);
                    last = Math.Max(last, ticks);
                }
            }

            if (count >= _settings.Value && count > 0)
            {
                long distinct = 0;
                if (_cardinality is not null)
                {
                    distinct = bucket.Cardinality
                        .Where(c => c.Ticks >= start && c.Ticks <= end && c.Ticks > bucket.LastSignalTicks)
                        .Select(c => c.Value).Distinct(StringComparer.Ordinal).LongCount();
                }

                if (_cardinality is null || distinct >= _cardinality.Value)
                {
                    var terms = _settings.Fields.Select((field, i) => new AlertTerm(field, new[] { bucket.Values[i] })).ToArray();
                    var cardinality = _cardinality is null
                        ? Array.Empty<ThresholdCardinalityResult>()
                        : new[] { new ThresholdCardinalityResult(_cardinality.Field, distinct) };
                    var lastTime = new DateTimeOffset(last, TimeSpan.Zero);
                    var result = new ThresholdResult(terms, count, new DateTimeOffset(first, TimeSpan.Zero), cardinality);
                    // Signal history: this bucket's events up to the alert's last event never count again.
                    bucket.LastSignalTicks = last;
                    var alert = Factory.ForThreshold(result, lastTime, run);
                    Gate.Offer(alert, alert.Event, null, run - TimeSpan.FromTicks(1), output);
                }
            }

            // Events no later run can see (before its look-back, or already signalled) are dropped.
            var floor = Math.Max(nextStart, bucket.LastSignalTicks + 1);
            bucket.Times.RemoveAll(t => t < floor);
            bucket.Cardinality.RemoveAll(c => c.Ticks < floor);
            if (bucket.Times.Count == 0)
            {
                empty.Add(key);
            }
        }

        foreach (var key in empty)
        {
            _buckets.Remove(key);
        }
    }

    private sealed class Bucket(string[] values)
    {
        public string[] Values { get; } = values;

        public List<long> Times { get; } = new();

        public List<(long Ticks, string Value)> Cardinality { get; } = new();

        public long LastSignalTicks { get; set; } = long.MinValue;
    }
}
