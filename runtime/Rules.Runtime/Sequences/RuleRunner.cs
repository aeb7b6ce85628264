using System;
using System.Collections.Generic;

namespace Rules.Runtime.Sequences;

/// <summary>The state one <see cref="SequenceRule"/> keeps in a <see cref="SequenceEngine"/>.</summary>
internal abstract class RuleRunner
{
    private readonly PipeStep[] _pipes;

    protected RuleRunner(SequenceRule rule, SequenceEngineOptions options, SequenceStatistics statistics, SequenceEngine.Budget budget, SequenceEngine.EventSlot slot)
    {
        Rule = rule;
        Options = options;
        Statistics = statistics;
        Budget = budget;
        Slot = slot;
        Scratch = new SequenceKey(rule.KeyCount);
        Keys = new SequenceKeyBuffer(rule.KeyCount);
        _pipes = new PipeStep[rule.Pipes.Count];
        for (var i = 0; i < _pipes.Length; i++)
        {
            _pipes[i] = new PipeStep(rule.Pipes[i]);
        }
    }

    public SequenceRule Rule { get; }

    protected SequenceEngineOptions Options { get; }

    protected SequenceStatistics Statistics { get; }

    protected SequenceEngine.Budget Budget { get; }

    protected SequenceEngine.EventSlot Slot { get; }

    /// <summary>Key values of the event being looked at; rehashed before each lookup.</summary>
    protected SequenceKey Scratch { get; }

    /// <summary>The event's key values per position, as the rule extracted them (several for a multi-valued key).</summary>
    protected SequenceKeyBuffer Keys { get; }

    /// <summary>How many key combinations the extracted keys give; <see cref="UseCombination"/> loads one into <see cref="Scratch"/>.</summary>
    protected int Combinations => Keys.Combinations;

    protected void UseCombination(int index)
    {
        Keys.Fill(index, Scratch.Values);
        Scratch.Rehash();
    }

    /// <summary>True once a leading <c>| head N</c> has released N matches: nothing this rule finds can be emitted.</summary>
    protected bool Exhausted => _pipes.Length > 0 && _pipes[0].Kind == SequencePipeKind.Head && _pipes[0].Passed >= _pipes[0].Count;

    public abstract void Process(EcsEvent e, long ticks, List<SequenceMatch> completed);

    public virtual void Complete(List<SequenceMatch> completed)
    {
        for (var i = 0; i < _pipes.Length; i++)
        {
            if (_pipes[i].Kind != SequencePipeKind.Tail)
            {
                continue;
            }

            var buffered = _pipes[i].Buffer!.ToArray();
            _pipes[i].Buffer!.Clear();
            foreach (var match in buffered)
            {
                Offer(match, i + 1, completed);
            }
        }
    }

    /// <summary>Sends a completed match through the pipes (from <paramref name="firstPipe"/> on) to the caller.</summary>
    protected void Offer(SequenceMatch match, int firstPipe, List<SequenceMatch> completed)
    {
        for (var i = firstPipe; i < _pipes.Length; i++)
        {
            var pipe = _pipes[i];
            if (pipe.Kind == SequencePipeKind.Head)
            {
                if (pipe.Passed >= pipe.Count)
                {
                    Statistics.MatchesDroppedByPipes++;
                    return;
                }

                pipe.Passed++;
                continue;
            }

            // Tail: keep the last N; they move on when the stream ends.
            pipe.Buffer!.Enqueue(match);
            if (pipe.Buffer.Count > pipe.Count)
            {
                pipe.Buffer.Dequeue();
                Statistics.MatchesDroppedByPipes++;
            }

            return;
        }

        completed.Add(match);
        Statistics.MatchesEmitted++;
    }

    protected void Offer(SequenceMatch match, List<SequenceMatch> completed) => Offer(match, 0, completed);

    private sealed class PipeStep(SequencePipe pipe)
    {
        public SequencePipeKind Kind { get; } = pipe.Kind;

        public int Count { get; } = pipe.Count;

        public int Passed { get; set; }

        public Queue<SequenceMatch>? Buffer { get; } = pipe.Kind == SequencePipeKind.Tail ? new Queue<SequenceMatch>() : null;
    }
}
