using System;
using System.Collections.Generic;

namespace Rules.Runtime.Sequences;

/// <summary>
/// One <c>sequence</c> rule's state machine, after Elasticsearch's SequenceMatcher (x-pack/plugin/eql, package
/// execution.sequence) run over a time-ordered stream. Per join key and positive stage it keeps the partial
/// sequences waiting for their next stage; an event matching stage s takes the most recent partial of its key at
/// the previous positive stage and discards the older ones there (OrdinalGroup.trimBefore). Missing-event stages
/// are checked as TumblingWindow.doCheckMissingEvents does, but as events arrive. docs/sequences.md has the details.
/// </summary>
internal sealed class SequenceRunner : RuleRunner
{
    private const long None = long.MinValue;

    private readonly int _stageCount;
    private readonly int _firstPositive;
    private readonly int _lastPositive;
    private readonly int[] _previousPositive;
    private readonly int[] _positiveDescending;
    private readonly int[] _missingStages;
    private readonly bool _hasLeading;
    private readonly bool _hasTrailing;
    private readonly long _maxSpanTicks;
    private readonly bool _hasMaxSpan;
    private readonly long _latenessTicks;
    private readonly Dictionary<SequenceKey, KeyState> _keys = new(SequenceKey.Comparer.Instance);
    private readonly LinkedList<KeyState> _keysByUse = new();
    private readonly LinkedList<Partial> _partialsByAge = new();
    private readonly LinkedList<Partial> _pending = new();
    private long _serial;

    public SequenceRunner(SequenceRule rule, SequenceEngineOptions options, SequenceStatistics statistics, SequenceEngine.Budget budget, SequenceEngine.EventSlot slot)
        : base(rule, options, statistics, budget, slot)
    {
        _stageCount = rule.StageCount;
        _firstPositive = -1;
        _lastPositive = -1;
        var missing = new List<int>();
        var positives = new List<int>();
        _previousPositive = new int[_stageCount];
        var previous = -1;
        for (var stage = 0; stage < _stageCount; stage++)
        {
            _previousPositive[stage] = previous;
            if (rule.IsMissingStage(stage))
            {
                missing.Add(stage);
                continue;
            }

            positives.Add(stage);
            if (_firstPositive < 0)
            {
                _firstPositive = stage;
            }

            _lastPositive = stage;
            previous = stage;
        }

        if (_firstPositive < 0)
        {
            throw new ArgumentException($"{rule}: a sequence needs at least one stage that is not a missing-event stage.", nameof(rule));
        }

        positives.Reverse();
        _positiveDescending = positives.ToArray();
        _missingStages = missing.ToArray();
        _hasLeading = _firstPositive > 0;
        _hasTrailing = _lastPositive < _stageCount - 1;
        _hasMaxSpan = rule.MaxSpanMilliseconds is not null;
        _maxSpanTicks = _hasMaxSpan ? checked(rule.MaxSpanMilliseconds!.Value * TimeSpan.TicksPerMillisecond) : long.MaxValue;
        _latenessTicks = options.AllowedLateness.Ticks;
    }

    public override void Process(EcsEvent e, long ticks, List<SequenceMatch> completed)
    {
        ResolvePendingByTime(ticks, completed);
        ExpireByTime(ticks);
        if (Exhausted)
        {
            return;
        }

        foreach (var stage in _missingStages)
        {
            if (Rule.MatchesStage(stage, e) && Rule.TryGetStageKeys(stage, e, Keys))
            {
                for (var combination = 0; combination < Combinations; combination++)
                {
                    UseCombination(combination);
                    OnMissingStageEvent(stage, ticks, completed);
                }
            }
        }

        // Highest stage first: a partial an event moves to stage s must not take the same event for stage s + 1
        // (Elasticsearch matches a stage only with partials strictly before the event).
        foreach (var stage in _positiveDescending)
        {
            if (Rule.MatchesStage(stage, e) && Rule.TryGetStageKeys(stage, e, Keys))
            {
                for (var combination = 0; combination < Combinations; combination++)
                {
                    UseCombination(combination);
                    if (stage == _firstPositive)
                    {
                        Start(ticks, completed);
                    }
                    else
                    {
                        Advance(stage, ticks, completed);
                    }
                }
            }
        }

        // Until last: a partial it ends may have completed with this very event (Elasticsearch looks for an until
        // strictly before the completing event), but any partial it leaves behind, this event's own included, is
        // ended (Ordinal.between is inclusive).
        if (Rule.HasUntil && Rule.MatchesUntil(e) && Rule.TryGetUntilKeys(e, Keys))
        {
            for (var combination = 0; combination < Combinations; combination++)
            {
                UseCombination(combination);
                if (_keys.TryGetValue(Scratch, out var untilKey))
                {
                    Statistics.DroppedByUntil += RemoveAllPartials(untilKey);
                    ForgetIfIdle(untilKey, ticks);
                }
            }
        }
    }

    public override void Complete(List<SequenceMatch> completed)
    {
        // No event followed: a trailing missing-event stage found nothing, which accepts the sequence.
        while (_pending.First is { } node)
        {
            RemovePending(node);
            Accept(node.Value, completed);
        }

        base.Complete(completed);
    }

    // ------------------------------------------------------------------ positive stages

    private void Start(long ticks, List<SequenceMatch> completed)
    {
        var key = GetOrAddKey(ticks);
        var partial = new Partial(key, _stageCount, ++_serial)
        {
            StartTicks = ticks,
            LastTicks = ticks,
            Stage = _firstPositive,
            LeadingTicks = _hasLeading ? key.LeadingBefore(ticks) : None,
        };
        partial.Events[_firstPositive] = Slot.Snapshot();
        Statistics.PartialsStarted++;
        if (_firstPositive == _lastPositive)
        {
            TryComplete(partial, completed);
            ForgetIfIdle(key, ticks);
            return;
        }

        Track(partial);
    }

    private void Advance(int stage, long ticks, List<SequenceMatch> completed)
    {
        if (!_keys.TryGetValue(Scratch, out var key))
        {
            return;
        }

        var previous = _previousPositive[stage];
        var waiting = key.Waiting[previous];
        if (waiting is null || waiting.Count == 0)
        {
            return;
        }

        // The most recent candidate takes the event; the older ones at this stage are trimmed (OrdinalGroup.trimBefore).
        var partial = waiting[^1];
        for (var i = waiting.Count - 2; i >= 0; i--)
        {
            Untrack(waiting[i]);
            Statistics.Superseded++;
        }

        waiting.Clear();
        Touch(key);

        if (ticks - partial.StartTicks > _maxSpanTicks)
        {
            Untrack(partial, removeFromWaiting: false);
            Statistics.Expired++;
            ForgetIfIdle(key, ticks);
            return;
        }

        if (partial.GapHitTicks != None && partial.GapHitTicks < ticks)
        {
            // An event matched the missing-event stage(s) between the previous positive stage and this one.
            Untrack(partial, removeFromWaiting: false);
            Statistics.DiscardedByMissingEvent++;
            ForgetIfIdle(key, ticks);
            return;
        }

        partial.Events[stage] = Slot.Snapshot();
        partial.LastTicks = ticks;
        partial.Stage = stage;
        partial.GapHitTicks = None;
        if (stage == _lastPositive)
        {
            Untrack(partial, removeFromWaiting: false);
            TryComplete(partial, completed);
            ForgetIfIdle(key, ticks);
            return;
        }

        // Still alive, still counted, same age: it only moves to the next stage's list.
        (key.Waiting[stage] ??= new List<Partial>()).Add(partial);
    }

    // ------------------------------------------------------------------ missing-event stages

    private void OnMissingStageEvent(int stage, long ticks, List<SequenceMatch> completed)
    {
        if (stage < _firstPositive)
        {
            GetOrAddKey(ticks).MarkLeading(ticks);
            return;
        }

        if (stage > _lastPositive)
        {
            ResolvePendingByTrailingEvent(ticks, completed);
            return;
        }

        if (!_keys.TryGetValue(Scratch, out var key))
        {
            return;
        }

        // A middle stage: mark the partials waiting just before it (their gap includes this stage).
        var waiting = key.Waiting[_previousPositive[stage]];
        if (waiting is null)
        {
            return;
        }

        foreach (var partial in waiting)
        {
            if (partial.GapHitTicks == None && ticks > partial.LastTicks)
            {
                partial.GapHitTicks = ticks;
            }
        }
    }

    /// <summary>
    /// A sequence reached its last positive stage. With leading/trailing missing-event stages it is accepted as
    /// Elasticsearch's TumblingWindow.doCheckMissingEvents decides: when no such event was found, or when the
    /// nearest one lies farther than maxspan from the other end.
    /// </summary>
    private void TryComplete(Partial partial, List<SequenceMatch> completed)
    {
        Statistics.SequencesCompleted++;
        if (!_hasTrailing)
        {
            if (!_hasLeading || partial.LeadingTicks == None || partial.LastTicks - partial.LeadingTicks > _maxSpanTicks)
            {
                Accept(partial, completed);
            }
            else
            {
                Statistics.DiscardedByMissingEvent++;
            }

            return;
        }

        if (_hasLeading && partial.LeadingTicks == None)
        {
            Accept(partial, completed);
            return;
        }

        partial.AnchorTicks = _hasLeading ? partial.LeadingTicks : partial.StartTicks;
        if (_pending.Count >= Options.MaxPendingPerRule)
        {
            RemovePending(_pending.First!);
            Statistics.PendingEvicted++;
        }

        partial.PendingNode = _pending.AddLast(partial);
        Statistics.PendingMissingChecks++;
    }

    private void ResolvePendingByTrailingEvent(long ticks, List<SequenceMatch> completed)
    {
        for (var node = _pending.First; node is not null;)
        {
            var next = node.Next;
            var partial = node.Value;
            if (ticks > partial.LastTicks && partial.Key.Key.SameAs(Scratch))
            {
                // The first trailing event decides: inside maxspan of the anchor it discards the sequence.
                RemovePending(node);
                if (ticks - partial.AnchorTicks > _maxSpanTicks)
                {
                    Accept(partial, completed);
                }
                else
                {
                    Statistics.DiscardedByMissingEvent++;
                }
            }

            node = next;
        }
    }

    private void ResolvePendingByTime(long ticks, List<SequenceMatch> completed)
    {
        if (!_hasMaxSpan || _pending.Count == 0)
        {
            return;
        }

        for (var node = _pending.First; node is not null;)
        {
            var next = node.Next;
            var partial = node.Value;

            // Any trailing event from now on lies beyond anchor + maxspan (allowing for late events), so it accepts.
            if (ticks - _latenessTicks - partial.AnchorTicks > _maxSpanTicks)
            {
                RemovePending(node);
                Accept(partial, completed);
            }

            node = next;
        }
    }

    private void RemovePending(LinkedListNode<Partial> node)
    {
        _pending.Remove(node);
        node.Value.PendingNode = null;
        Statistics.PendingMissingChecks--;
    }

    private void Accept(Partial partial, List<SequenceMatch> completed)
    {
        var events = new List<EcsEvent>(_stageCount);
        foreach (var e in partial.Events)
        {
            if (e is not null)
            {
                events.Add(e);
            }
        }

        Offer(new SequenceMatch(Rule, events, partial.Key.Key.Values), completed);
    }

    // ------------------------------------------------------------------ bookkeeping and bounds

    private void ExpireByTime(long ticks)
    {
        if (!_hasMaxSpan)
        {
            return;
        }

        // Partials are ordered by start (arrival); one older than maxspan (plus lateness) can never complete.
        while (_partialsByAge.First is { } node && ticks - _latenessTicks - node.Value.StartTicks > _maxSpanTicks)
        {
            var partial = node.Value;
            Untrack(partial);
            Statistics.Expired++;
            ForgetIfIdle(partial.Key, ticks);
        }
    }

    private void Track(Partial partial)
    {
        var key = partial.Key;
        var waiting = key.Waiting[partial.Stage] ??= new List<Partial>();
        waiting.Add(partial);
        partial.AgeNode = _partialsByAge.AddLast(partial);
        key.Alive++;
        Budget.Alive++;
        Statistics.PartialsAlive++;

        if (key.Alive > Options.MaxPartialsPerKey)
        {
            Untrack(OldestOf(key));
            Statistics.EvictedPerKey++;
        }

        if (_partialsByAge.Count > Options.MaxPartialsPerRule)
        {
            EvictOldest();
            Statistics.EvictedPerRule++;
        }

        if (Budget.Alive > Budget.Max && _partialsByAge.Count > 0)
        {
            EvictOldest();
            Statistics.EvictedTotal++;
        }
    }

    private void EvictOldest()
    {
        var oldest = _partialsByAge.First!.Value;
        Untrack(oldest);
        if (oldest.Key.Alive == 0 && !oldest.Key.HasLeadingMark)
        {
            RemoveKey(oldest.Key);
        }
    }

    private static Partial OldestOf(KeyState key)
    {
        Partial? oldest = null;
        foreach (var waiting in key.Waiting)
        {
            if (waiting is { Count: > 0 } && (oldest is null || waiting[0].Serial < oldest.Serial))
            {
                oldest = waiting[0];
            }
        }

        return oldest!;
    }

    private void Untrack(Partial partial, bool removeFromWaiting = true)
    {
        if (partial.AgeNode is null)
        {
            return;
        }

        if (removeFromWaiting)
        {
            partial.Key.Waiting[partial.Stage]!.Remove(partial);
        }

        _partialsByAge.Remove(partial.AgeNode);
        partial.AgeNode = null;
        partial.Key.Alive--;
        Budget.Alive--;
        Statistics.PartialsAlive--;
    }

    private int RemoveAllPartials(KeyState key)
    {
        var removed = 0;
        foreach (var waiting in key.Waiting)
        {
            if (waiting is null)
            {
                continue;
            }

            foreach (var partial in waiting)
            {
                Untrack(partial, removeFromWaiting: false);
                removed++;
            }

            waiting.Clear();
        }

        return removed;
    }

    private KeyState GetOrAddKey(long ticks)
    {
        if (_keys.TryGetValue(Scratch, out var key))
        {
            Touch(key);
            return key;
        }

        PruneIdleKeys(ticks);
        if (_keys.Count >= Options.MaxKeysPerRule)
        {
            var victim = _keysByUse.First!.Value;
            Statistics.EvictedPerRule += RemoveAllPartials(victim);
            RemoveKey(victim);
            Statistics.KeysEvicted++;
        }

        key = new KeyState(Scratch.Copy(), _stageCount);
        _keys.Add(key.Key, key);
        key.UseNode = _keysByUse.AddLast(key);
        return key;
    }

    private void Touch(KeyState key)
    {
        _keysByUse.Remove(key.UseNode!);
        _keysByUse.AddLast(key.UseNode!);
    }

    /// <summary>Drops a key that holds nothing that can still matter.</summary>
    private void ForgetIfIdle(KeyState key, long ticks)
    {
        if (key.Alive == 0 && !LeadingMarkMatters(key, ticks) && key.UseNode is not null)
        {
            RemoveKey(key);
        }
    }

    private void PruneIdleKeys(long ticks)
    {
        while (_keysByUse.First is { } node && node.Value.Alive == 0 && !LeadingMarkMatters(node.Value, ticks))
        {
            RemoveKey(node.Value);
        }
    }

    /// <summary>
    /// A leading missing-event mark older than maxspan (plus lateness) decides nothing any more: every sequence that
    /// could still complete ends later than maxspan after it, which Elasticsearch accepts as if it were absent.
    /// </summary>
    private bool LeadingMarkMatters(KeyState key, long ticks) =>
        key.HasLeadingMark && (!_hasMaxSpan || ticks - _latenessTicks - key.LeadingLatest <= _maxSpanTicks);

    private void RemoveKey(KeyState key)
    {
        _keys.Remove(key.Key);
        if (key.UseNode is not null)
        {
            _keysByUse.Remove(key.UseNode);
            key.UseNode = null;
        }
    }

    private sealed class KeyState(SequenceKey key, int stages)
    {
        public SequenceKey Key { get; } = key;

        /// <summary>Per positive stage: the partials whose last matched stage it is, oldest first.</summary>
        public List<Partial>?[] Waiting { get; } = new List<Partial>?[stages];

        public int Alive { get; set; }

        public LinkedListNode<KeyState>? UseNode { get; set; }

        /// <summary>Timestamps of the latest two distinct leading missing-event matches (None: none).</summary>
        public long LeadingLatest { get; private set; } = None;

        public long LeadingPrevious { get; private set; } = None;

        public bool HasLeadingMark => LeadingLatest != None;

        public void MarkLeading(long ticks)
        {
            if (ticks > LeadingLatest)
            {
                LeadingPrevious = LeadingLatest;
                LeadingLatest = ticks;
            }
            else if (ticks < LeadingLatest && ticks > LeadingPrevious)
            {
                LeadingPrevious = ticks;
            }
        }

        /// <summary>The nearest leading missing-event match strictly before <paramref name="ticks"/> (Elasticsearch
        /// queries <c>@timestamp &lt; start</c>, newest first).</summary>
        public long LeadingBefore(long ticks) =>
            LeadingLatest != None && LeadingLatest < ticks ? LeadingLatest
            : LeadingPrevious != None && LeadingPrevious < ticks ? LeadingPrevious
            : None;
    }

    private sealed class Partial(KeyState key, int stages, long serial)
    {
        public KeyState Key { get; } = key;

        public long Serial { get; } = serial;

        public EcsEvent?[] Events { get; } = new EcsEvent?[stages];

        public long StartTicks { get; init; }

        public long LastTicks { get; set; }

        /// <summary>The last positive stage matched.</summary>
        public int Stage { get; set; }

        /// <summary>The first event matching a missing-event stage after <see cref="Stage"/> (None: none yet).</summary>
        public long GapHitTicks { get; set; } = None;

        /// <summary>The nearest leading missing-event match before the start (None: none).</summary>
        public long LeadingTicks { get; init; } = None;

        /// <summary>For a trailing missing-event check: the time maxspan is measured from.</summary>
        public long AnchorTicks { get; set; }

        public LinkedListNode<Partial>? AgeNode { get; set; }

        public LinkedListNode<Partial>? PendingNode { get; set; }
    }
}
