using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

using Rules.Runtime.Sequences;

namespace Rules.Runtime;

/// <summary>Settings of a <see cref="Detector"/>.</summary>
public sealed class DetectorOptions
{
    /// <summary>The detector's name in metrics (tag rules.pipeline). Default "default".</summary>
    public string Name { get; init; } = "default";

    /// <summary>Limits of the EQL sequence engine (docs/sequences.md); null for its defaults.</summary>
    public SequenceEngineOptions? Sequences { get; init; }

    /// <summary>new_terms combinations tracked per rule before eviction. Default 100,000.</summary>
    public int MaxNewTermsPerRule { get; init; } = 100_000;

    /// <summary>threshold buckets tracked per rule; further buckets are not counted (counted as evicted). Default 100,000.</summary>
    public int MaxThresholdGroupsPerRule { get; init; } = 100_000;

    /// <summary>Value combinations one event may give a multi-field new_terms or threshold rule. Default 100.</summary>
    public int MaxTermCombinations { get; init; } = 100;
}

/// <summary>
/// The alerting pipeline over a stream of events: the rule engine matches each event, each matching rule handles it
/// by type (query and eql: an alert; threshold: a bucket count evaluated at the rule's runs; new_terms: a check of
/// the term history), then alert_suppression and max_signals apply, and the alerts go to the caller (or a
/// dispatcher). Time is event time (each rule's timestamp_override, else @timestamp) so replaying a file gives the
/// same alerts, with the same ids, as streaming it. Events without any event time are skipped: Elastic's rule
/// searches are ranges on the time field and never return them. Not thread-safe: one detector per stream (the rule
/// engine it uses is shared safely). See docs/runtime.md.
/// </summary>
public sealed class Detector
{
    private readonly RuleEngine _engine;
    private readonly Dictionary<CompiledRule, RuleRunner> _runners = new(ReferenceEqualityComparer.Instance);
    private readonly RuleRunner[] _allRunners;
    private readonly List<EventRule> _matches;
    private readonly SequenceEngine? _sequences;
    private readonly List<SequenceMatch> _sequenceMatches = new();
    private readonly EventCaptureWriter _captureWriter = new();
    private readonly KeyValuePair<string, object?> _tag;
    private DateTimeOffset _watermark = DateTimeOffset.MinValue;
    private DateTimeOffset? _nextDeadline;
    private long _events;
    private long _untimed;

    public Detector(IEnumerable<CompiledRule> rules, DetectorOptions? options = null)
    {
        Options = options ?? new DetectorOptions();
        if (Options.MaxNewTermsPerRule < 1 || Options.MaxThresholdGroupsPerRule < 1 || Options.MaxTermCombinations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxNewTermsPerRule, MaxThresholdGroupsPerRule and MaxTermCombinations must be at least 1.");
        }

        _tag = RulesMetrics.Tag(Options.Name);
        _engine = new RuleEngine(rules);
        foreach (var rule in _engine.Rules)
        {
            _runners[rule] = RuleRunner.Create(rule.Metadata, Options, new RuleCounters(rule.Metadata, Options.Name));
        }

        _allRunners = _runners.Values.ToArray();
        _matches = new List<EventRule>(Math.Max(4, _engine.Rules.Count));
        if (_engine.Rules.Any(rule => rule is SequenceRule))
        {
            _sequences = new SequenceEngine(_engine.Rules, Options.Sequences);
        }
    }

    /// <summary>The sequence engine's counts (partial sequences alive, expired, evicted ...); null without sequence rules.</summary>
    public SequenceStatistics? SequenceStatistics => _sequences?.Statistics;

    public DetectorOptions Options { get; }

    public IReadOnlyList<CompiledRule> Rules => _engine.Rules;

    /// <summary>Events processed.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Matched events skipped because they had no event time.</summary>
    public long UntimedEvents => Interlocked.Read(ref _untimed);

    /// <summary>Per-rule counts, in rule order.</summary>
    public IReadOnlyList<RuleCounters> RuleCounters => Array.ConvertAll(_allRunners, r => r.Counters);

    /// <summary>The latest event time seen: the detector's clock.</summary>
    public DateTimeOffset? Watermark => _watermark == DateTimeOffset.MinValue ? null : _watermark;

    /// <summary>Runs the rules over one event and appends the alerts that are ready to <paramref name="alerts"/>.</summary>
    public void Process(EcsEvent e, List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(e);
        Interlocked.Increment(ref _events);
        RulesMetrics.EventsRead.Add(1, _tag);
        if (e.Timestamp is { } timestamp && timestamp > _watermark)
        {
            _watermark = timestamp;
        }

        _matches.Clear();
        _engine.Match(e, _matches);
        EventCapture? capture = null;
        foreach (var rule in _matches)
        {
            var runner = _runners[rule];
            runner.Counters.CountMatch();
            if (runner.EventTime(e) is not { } time)
            {
                Interlocked.Increment(ref _untimed);
                RulesMetrics.EventsUntimed.Add(1, _tag);
                continue;
            }

            if (time > _watermark)
            {
                _watermark = time;
            }

            // Time moves first: windows that end before this event close before it is counted.
            AdvanceTo(_watermark, alerts);
            runner.OnMatch(capture ??= new EventCapture(e, _captureWriter), time, alerts);
            Note(runner.NextDeadline);
        }

        if (_sequences is not null)
        {
            _sequences.Process(e, _sequenceMatches);
            RaiseSequenceAlerts(alerts);
        }

        AdvanceTo(_watermark, alerts);
    }

    private void RaiseSequenceAlerts(List<Alert> alerts)
    {
        foreach (var match in _sequenceMatches)
        {
            ProcessSequence(match.Rule, match.Events, alerts);
        }

        _sequenceMatches.Clear();
    }

    /// <summary>
    /// A group of events one rule matched together (an EQL sequence): one building-block alert per event
    /// (kibana.alert.group.id and group.index, building_block_type default) and one shell alert whose source is the
    /// fields the events share (depth 2, ancestors the building blocks), as Elastic writes sequence alerts. Then
    /// alert_suppression and max_signals apply to the sequence as a whole.
    /// </summary>
    public void ProcessSequence(CompiledRule rule, IReadOnlyList<EcsEvent> events, List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0 || !_runners.TryGetValue(rule, out var runner))
        {
            throw new ArgumentException("A sequence alert needs events and a rule of this detector.");
        }

        var captures = events.Select(e => new EventCapture(e, _captureWriter)).ToArray();
        var times = events.Select(runner.EventTime).ToArray();
        if (times.Any(t => t is null))
        {
            Interlocked.Increment(ref _untimed);
            RulesMetrics.EventsUntimed.Add(1, _tag);
            return;
        }

        var time = times.Max()!.Value;
        if (time > _watermark)
        {
            _watermark = time;
        }

        AdvanceTo(_watermark, alerts);
        var group = AlertIds.Hash(rule.Metadata.RuleId, "group", string.Join(",", captures.Select(c => c.Id)));
        var blocks = captures.Select((c, i) => runner.Factory.ForEvent(c, times[i]!.Value, idSalt: group, group: new AlertGroup(group, i))).ToArray();
        var shell = runner.Factory.ForSequenceShell(SharedFields.Of(captures), time, new AlertGroup(group, null), blocks);
        runner.Gate.Offer(shell, shell.Event, blocks, time, alerts);
        Note(runner.NextDeadline);
    }

    /// <summary>
    /// Moves the detector's clock to <paramref name="eventTime"/> without an event, as an event of that time that
    /// matches nothing would: suppression windows and threshold runs that end before it close and their alerts are
    /// appended. For a source that can say how far it has got while it has nothing to send (a heartbeat, a
    /// partition's watermark), and for the hosted service's optional idle advance. An earlier time changes nothing.
    /// </summary>
    public void AdvanceTime(DateTimeOffset eventTime, List<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (eventTime > _watermark)
        {
            _watermark = eventTime;
        }

        AdvanceTo(_watermark, alerts);
    }

    /// <summary>End of the stream: evaluates pending threshold runs and releases held (suppressed) alerts.</summary>
    public void Complete(List<Alert> alerts)
    {
        if (_sequences is not null)
        {
            // Trailing missing-event stages and tail pipes resolve at the end of the stream.
            _sequences.Complete(_sequenceMatches);
            RaiseSequenceAlerts(alerts);
        }

        foreach (var runner in _allRunners)
        {
            runner.Complete(alerts);
        }

        _nextDeadline = null;
    }

    /// <summary>Runs the events through the detector into the dispatcher, then completes (not the dispatcher).</summary>
    public async Task RunAsync(IEnumerable<EcsEvent> events, AlertDispatcher dispatcher, CancellationToken cancellationToken = default)
    {
        var alerts = new List<Alert>();
        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Process(e, alerts);
            await PublishAsync(alerts, dispatcher, cancellationToken).ConfigureAwait(false);
        }

        Complete(alerts);
        await PublishAsync(alerts, dispatcher, cancellationToken).ConfigureAwait(false);
    }

    internal static async ValueTask PublishAsync(List<Alert> alerts, AlertDispatcher dispatcher, CancellationToken cancellationToken)
    {
        foreach (var alert in alerts)
        {
            await dispatcher.PublishAsync(alert, cancellationToken).ConfigureAwait(false);
        }

        alerts.Clear();
    }

    private void Note(DateTimeOffset? deadline)
    {
        if (deadline is { } d && (_nextDeadline is null || d < _nextDeadline))
        {
            _nextDeadline = d;
        }
    }

    private void AdvanceTo(DateTimeOffset watermark, List<Alert> alerts)
    {
        // Cheap on most events: only when some rule's run or suppression window is due.
        if (_nextDeadline is not { } deadline || deadline >= watermark)
        {
            return;
        }

        DateTimeOffset? next = null;
        foreach (var runner in _allRunners)
        {
            if (runner.NextDeadline is { } due && due < watermark)
            {
                runner.Advance(watermark, alerts);
            }

            if (runner.NextDeadline is { } later && (next is null || later < next))
            {
                next = later;
            }
        }

        _nextDeadline = next;
    }
}
