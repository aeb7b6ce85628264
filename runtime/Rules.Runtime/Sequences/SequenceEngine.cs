using System;
using System.Collections.Generic;

namespace Rules.Runtime.Sequences;

/// <summary>
/// Runs the <see cref="SequenceRule"/>s (EQL <c>sequence</c> and <c>sample</c>) over one stream of events, with
/// Elasticsearch's semantics (docs/sequences.md). Feed every event in stream order to <see cref="Process"/>; call
/// <see cref="Complete"/> once at the end. Not thread-safe: one engine per stream, used from one thread at a time
/// (it takes no locks). Memory is bounded by <see cref="SequenceEngineOptions"/>; every eviction is counted in
/// <see cref="Statistics"/>. Events are copied (<see cref="EventSnapshot.Copy"/>) only when they enter a partial
/// sequence or sample, once per event.
/// </summary>
public sealed class SequenceEngine
{
    private readonly SequenceEngineOptions _options;
    private readonly RuleRunner[] _runners;
    private readonly EventSlot _slot;
    private readonly long _latenessTicks;
    private readonly bool _hasSequences;
    private long _watermark = long.MinValue;
    private bool _complete;

    public SequenceEngine(IEnumerable<CompiledRule> rules, SequenceEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _options = options ?? new SequenceEngineOptions();
        _options.Validate();
        _latenessTicks = _options.AllowedLateness.Ticks;
        _slot = new EventSlot(Statistics);
        var runners = new List<RuleRunner>();
        var accepted = new List<SequenceRule>();
        var rejected = new List<string>();
        var budget = new Budget(_options.MaxPartialsTotal);
        foreach (var rule in rules)
        {
            if (rule is not SequenceRule sequenceRule)
            {
                continue;
            }

            if (sequenceRule.StageCount > _options.MaxEventsPerSequence)
            {
                rejected.Add($"{sequenceRule}: {sequenceRule.StageCount} stages exceed MaxEventsPerSequence ({_options.MaxEventsPerSequence}).");
                Statistics.RulesRejected++;
                continue;
            }

            accepted.Add(sequenceRule);
            if (sequenceRule.Kind == SequenceRuleKind.Sample)
            {
                runners.Add(new SampleRunner(sequenceRule, _options, Statistics, budget, _slot));
            }
            else
            {
                runners.Add(new SequenceRunner(sequenceRule, _options, Statistics, budget, _slot));
                _hasSequences = true;
            }
        }

        _runners = runners.ToArray();
        Rules = accepted;
        RejectedRules = rejected;
    }

    /// <summary>The sequence and sample rules this engine runs.</summary>
    public IReadOnlyList<SequenceRule> Rules { get; }

    /// <summary>Sequence rules given to the engine that it does not run, each with the reason.</summary>
    public IReadOnlyList<string> RejectedRules { get; }

    public SequenceStatistics Statistics { get; } = new();

    /// <summary>
    /// Offers one event to every sequence and sample rule; appends the matches it completes to
    /// <paramref name="completed"/>. The event may be reused by the caller afterwards (the engine keeps copies).
    /// </summary>
    public void Process(EcsEvent e, List<SequenceMatch> completed)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(completed);
        if (_complete)
        {
            throw new InvalidOperationException("The stream was completed; a SequenceEngine runs one stream.");
        }

        Statistics.EventsProcessed++;
        _slot.Reset(e);
        long ticks = 0;
        var ordered = false;
        if (e.Timestamp is { } timestamp)
        {
            ticks = timestamp.UtcTicks;
            if (ticks >= _watermark)
            {
                _watermark = ticks;
                ordered = true;
            }
            else if (_watermark - ticks <= _latenessTicks)
            {
                Statistics.OutOfOrderEvents++;
                ordered = true;
            }
            else if (_hasSequences)
            {
                Statistics.LateEventsDropped++;
            }
        }
        else if (_hasSequences)
        {
            Statistics.EventsWithoutTimestamp++;
        }

        foreach (var runner in _runners)
        {
            if (runner is SampleRunner || ordered)
            {
                runner.Process(e, ticks, completed);
            }
        }

        _slot.Reset(null);
    }

    /// <summary>
    /// Ends the stream: sequences waiting on a trailing missing-event stage are decided (no such event came), and
    /// <c>| tail</c> pipes release their matches. Call once; <see cref="Process"/> throws afterwards.
    /// </summary>
    public void Complete(List<SequenceMatch> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        if (_complete)
        {
            return;
        }

        _complete = true;
        foreach (var runner in _runners)
        {
            runner.Complete(completed);
        }
    }

    /// <summary>The event being processed, copied at most once, on first use.</summary>
    internal sealed class EventSlot(SequenceStatistics statistics)
    {
        private EcsEvent? _current;
        private EcsEvent? _snapshot;

        public void Reset(EcsEvent? e)
        {
            _current = e;
            _snapshot = null;
        }

        public EcsEvent Snapshot()
        {
            if (_snapshot is null)
            {
                _snapshot = EventSnapshot.Copy(_current!);
                statistics.EventsCopied++;
            }

            return _snapshot;
        }
    }

    /// <summary>The engine-wide count of partials, shared by the runners.</summary>
    internal sealed class Budget(int max)
    {
        public int Max { get; } = max;

        public int Alive { get; set; }
    }
}
