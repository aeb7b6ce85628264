using System;
using System.Collections.Generic;

namespace Rules.Runtime.Sequences;

/// <summary>
/// One <c>sample</c> rule: per join-key combination, the first event to match each stage; a sample's events are
/// distinct, so an event fills only the first empty stage it matches (spec suite test_sample.toml,
/// anyRulesWithORFilters: [13, 23], not [13, 13]). When every stage has an event the
/// sample is emitted and the key is done: Elasticsearch returns at most one sample per key combination
/// (max_samples_per_key defaults to 1). No time order, no timestamp needed.
/// With <see cref="SequenceEngineOptions.MaxSamplesPerKey"/> N above 1, as Elasticsearch's SampleIterator: each stage
/// keeps the first <c>stages + N - 1</c> events of the key (its per-stage fetch size), and every combination of distinct
/// events a new event completes is a sample, until the key has N.
/// </summary>
internal sealed class SampleRunner : RuleRunner
{
    private readonly Dictionary<SequenceKey, KeyState> _keys = new(SequenceKey.Comparer.Instance);
    private readonly LinkedList<KeyState> _keysByUse = new();
    private readonly int _stageCount;
    private readonly List<KeyState> _filledByThisEvent = new();
    private int _partials;

    public SampleRunner(SequenceRule rule, SequenceEngineOptions options, SequenceStatistics statistics, SequenceEngine.Budget budget, SequenceEngine.EventSlot slot)
        : base(rule, options, statistics, budget, slot)
    {
        _stageCount = rule.StageCount;
        _samplesPerKey = options.MaxSamplesPerKey;
        _candidatesPerStage = _stageCount + _samplesPerKey - 1;
    }

    private readonly int _samplesPerKey;
    private readonly int _candidatesPerStage;

    /// <summary>The combination being built (max_samples_per_key above 1), reused between events.</summary>
    private EcsEvent[]? _chosen;

    public override void Process(EcsEvent e, long ticks, List<SequenceMatch> completed)
    {
        if (Exhausted)
        {
            return;
        }

        _filledByThisEvent.Clear();
        for (var stage = 0; stage < _stageCount; stage++)
        {
            if (!Rule.MatchesStage(stage, e) || !Rule.TryGetStageKeys(stage, e, Keys))
            {
                continue;
            }

            for (var combination = 0; combination < Combinations; combination++)
            {
                UseCombination(combination);
                if (_samplesPerKey == 1)
                {
                    Fill(stage, completed);
                }
                else
                {
                    FillCandidates(stage, completed);
                }
            }
        }
    }

    private void Fill(int stage, List<SequenceMatch> completed)
    {
        // A sample holds distinct events: one that already filled a stage of this key does not fill another.
        foreach (var filled in _filledByThisEvent)
        {
            if (filled.Key.SameAs(Scratch))
            {
                return;
            }
        }

        var key = GetOrAddKey();
        if (key.Done)
        {
            Statistics.SampleEventsIgnored++;
            return;
        }

        if (key.Events is null)
        {
            key.Events = new EcsEvent?[_stageCount];
            _partials++;
            Budget.Alive++;
            Statistics.PartialsAlive++;
            Statistics.PartialsStarted++;
            EnforceBounds(key);
            if (key.Events is null)
            {
                return;
            }
        }

        if (key.Events[stage] is not null)
        {
            return;
        }

        key.Events[stage] = Slot.Snapshot();
        _filledByThisEvent.Add(key);
        if (++key.Filled < _stageCount)
        {
            return;
        }

        var events = new List<EcsEvent>(_stageCount);
        foreach (var filled in key.Events)
        {
            events.Add(filled!);
        }

        Release(key);
        key.Done = true;
        Statistics.SamplesCompleted++;
        Offer(new SequenceMatch(Rule, events, key.Key.Values), completed);
    }

    /// <summary>max_samples_per_key above 1: the event joins the stage's candidates and completes every new sample it can.</summary>
    private void FillCandidates(int stage, List<SequenceMatch> completed)
    {
        var key = GetOrAddKey();
        if (key.Done)
        {
            Statistics.SampleEventsIgnored++;
            return;
        }

        if (key.Candidates is null)
        {
            key.Candidates = new List<EcsEvent>[_stageCount];
            for (var s = 0; s < _stageCount; s++)
            {
                key.Candidates[s] = new List<EcsEvent>();
            }

            _partials++;
            Budget.Alive++;
            Statistics.PartialsAlive++;
            Statistics.PartialsStarted++;
            EnforceBounds(key);
            if (key.Candidates is null)
            {
                return;
            }
        }

        var candidates = key.Candidates[stage];
        if (candidates.Count >= _candidatesPerStage)
        {
            Statistics.SampleEventsIgnored++;
            return;
        }

        var snapshot = Slot.Snapshot();
        candidates.Add(snapshot);
        var chosen = _chosen ??= new EcsEvent[_stageCount];
        Array.Clear(chosen);
        chosen[stage] = snapshot;
        Combine(key, stage, 0, chosen, completed);
    }

    /// <summary>Every choice of distinct events for the other stages, in candidate order, with the new event fixed at its stage.</summary>
    private void Combine(KeyState key, int fixedStage, int stage, EcsEvent[] chosen, List<SequenceMatch> completed)
    {
        if (key.Done)
        {
            return;
        }

        if (stage == _stageCount)
        {
            key.Samples++;
            Statistics.SamplesCompleted++;
            Offer(new SequenceMatch(Rule, new List<EcsEvent>(chosen), key.Key.Values), completed);
            if (key.Samples >= _samplesPerKey)
            {
                Release(key);
                key.Done = true;
            }

            return;
        }

        if (stage == fixedStage)
        {
            Combine(key, fixedStage, stage + 1, chosen, completed);
            return;
        }

        var candidates = key.Candidates![stage];
        for (var i = 0; i < candidates.Count && !key.Done; i++)
        {
            if (IsChosen(chosen, candidates[i], stage, fixedStage))
            {
                continue;
            }

            chosen[stage] = candidates[i];
            Combine(key, fixedStage, stage + 1, chosen, completed);
        }
    }

    /// <summary>A sample's events are distinct: the same snapshot (one per event) may not fill two stages.</summary>
    private static bool IsChosen(EcsEvent[] chosen, EcsEvent candidate, int stage, int fixedStage)
    {
        for (var s = 0; s < stage; s++)
        {
            if (ReferenceEquals(chosen[s], candidate))
            {
                return true;
            }
        }

        return ReferenceEquals(chosen[fixedStage], candidate);
    }

    private void EnforceBounds(KeyState current)
    {
        if (_partials > Options.MaxPartialsPerRule)
        {
            EvictOldestPartial(current);
            Statistics.EvictedPerRule++;
        }

        if (Budget.Alive > Budget.Max)
        {
            EvictOldestPartial(current);
            Statistics.EvictedTotal++;
        }
    }

    private void EvictOldestPartial(KeyState current)
    {
        // Least recently used first; the key being filled is the most recent, so it goes last.
        foreach (var key in _keysByUse)
        {
            if (key.Events is not null || key.Candidates is not null)
            {
                Release(key);
                if (!ReferenceEquals(key, current))
                {
                    RemoveKey(key);
                }

                return;
            }
        }
    }

    private void Release(KeyState key)
    {
        key.Events = null;
        key.Candidates = null;
        key.Filled = 0;
        _partials--;
        Budget.Alive--;
        Statistics.PartialsAlive--;
    }

    private KeyState GetOrAddKey()
    {
        if (_keys.TryGetValue(Scratch, out var key))
        {
            _keysByUse.Remove(key.UseNode!);
            _keysByUse.AddLast(key.UseNode!);
            return key;
        }

        if (_keys.Count >= Options.MaxKeysPerRule)
        {
            // A key that already produced its sample can produce another once forgotten; counted as an eviction.
            var victim = _keysByUse.First!.Value;
            if (victim.Events is not null || victim.Candidates is not null)
            {
                Release(victim);
            }

            RemoveKey(victim);
            Statistics.KeysEvicted++;
        }

        key = new KeyState(Scratch.Copy());
        _keys.Add(key.Key, key);
        key.UseNode = _keysByUse.AddLast(key);
        return key;
    }

    private void RemoveKey(KeyState key)
    {
        _keys.Remove(key.Key);
        _keysByUse.Remove(key.UseNode!);
        key.UseNode = null;
    }

    private sealed class KeyState(SequenceKey key)
    {
        public SequenceKey Key { get; } = key;

        public EcsEvent?[]? Events { get; set; }

        public int Filled { get; set; }

        /// <summary>max_samples_per_key above 1: per stage, the key's first events matching it.</summary>
        public List<EcsEvent>[]? Candidates { get; set; }

        /// <summary>Samples emitted for this key (max_samples_per_key above 1).</summary>
        public int Samples { get; set; }

        public bool Done { get; set; }

        public LinkedListNode<KeyState>? UseNode { get; set; }
    }
}
