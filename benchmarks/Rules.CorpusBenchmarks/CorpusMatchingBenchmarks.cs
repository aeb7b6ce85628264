using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Rules.Benchmarks;
using Rules.Runtime;
using Rules.Runtime.Reading;

// Profiling modes (stopwatch loops, docs/benchmarks.md "How to run"); anything else goes to BenchmarkDotNet.
var seconds = args.Length > 1 && double.TryParse(args[^1], out var given) ? given : 20;
var modes = new Dictionary<string, Action>(StringComparer.Ordinal)
{
    ["--profile"] = Profile.Run,
    ["--indexes"] = Profile.Indexes,
    ["--candidates"] = Profile.Candidates,
    ["--group"] = Profile.GroupDirect,
    ["--reads"] = Profile.Reads,
    ["--stream"] = () => Profile.Stream(seconds),
    ["--prefilters"] = Profile.Prefilters,
    ["--shape"] = Profile.Shape,
    ["--hot"] = Profile.Hot,
    ["--breakdown"] = Profile.Breakdown,
    ["--measure"] = () => Profile.Measure(seconds),
};
if (args.Length > 0 && modes.TryGetValue(args[0], out var mode))
{
    mode();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CorpusMatchingBenchmarks).Assembly).Run(args);

/// <summary>
/// Matching with every supported rule of Elastic's corpus compiled in (1,544 single-event rules; sequences run in
/// the sequence engine and are not part of this number), over 2,000 realistic Elastic Defend events (process, file,
/// registry, network). Reported per event.
/// </summary>
[MemoryDiagnoser]
public class CorpusMatchingBenchmarks
{
    private const int Events = 2_000;
    private EcsEvent[] _events = Array.Empty<EcsEvent>();
    private byte[] _ndjson = Array.Empty<byte>();
    private RuleEngine _engine = null!;
    private EventRule[] _rules = Array.Empty<EventRule>();
    private readonly List<EventRule> _matches = new(64);

    [GlobalSetup]
    public void Setup()
    {
        _ndjson = RealisticEvents.Ndjson(Events);
        _events = BenchmarkPasses.ReadAhead(_ndjson);
        _rules = Rules.Generated.DetectionRuleCatalog.All.OfType<EventRule>().ToArray();
        _engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        Console.WriteLine($"// {Rules.Generated.DetectionRuleCatalog.All.Count} rules compiled, {_rules.Length} single-event rules, {_rules.Count(r => r.Prefilter is not null)} with a prefilter.");
    }

    /// <summary>The reader alone over the same 2,000 documents (one reused event), the baseline of
    /// <see cref="ReadAndMatchPerEvent"/>.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ReadOnlyPerEvent() => BenchmarkPasses.Read(_ndjson);

    /// <summary>The engine in a stream: each document read into the reused event, then matched by the whole corpus
    /// (the event is in the CPU's caches, as in `rules scan`). The engine's share is this minus
    /// <see cref="ReadOnlyPerEvent"/>.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ReadAndMatchPerEvent() => BenchmarkPasses.ReadAndMatch(_ndjson, _engine, _matches);

    /// <summary>The engine over 2,000 events read ahead into an array (about 2 MB of objects, more than the CPU's
    /// caches hold): each event's first touch misses the caches, which an event fresh from the reader does not.
    /// Category dispatch, then the prefilter indexes, then the candidate rules.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int EngineMatchPerEvent() => BenchmarkPasses.MatchAll(_events, _engine, _matches);
}
