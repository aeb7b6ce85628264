using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Rules.Benchmarks;
using Rules.Runtime;
using Rules.Runtime.Reading;

if (args.Contains("--profile"))
{
    Profile.Run();
    return;
}

if (args.Contains("--indexes"))
{
    Profile.Indexes();
    return;
}

if (args.Contains("--candidates"))
{
    Profile.Candidates();
    return;
}

if (args.Contains("--group"))
{
    Profile.GroupDirect();
    return;
}

if (args.Contains("--reads"))
{
    Profile.Reads();
    return;
}

if (args.Contains("--stream"))
{
    Profile.Stream(args.Length > 1 && double.TryParse(args[^1], out var streamSeconds) ? streamSeconds : 20);
    return;
}

if (args.Contains("--prefilters"))
{
    Profile.Prefilters();
    return;
}

if (args.Contains("--shape"))
{
    Profile.Shape();
    return;
}

if (args.Contains("--hot"))
{
    Profile.Hot();
    return;
}

if (args.Contains("--breakdown"))
{
    Profile.Breakdown();
    return;
}

if (args.Contains("--measure"))
{
    Profile.Measure(args.Length > 1 && double.TryParse(args[^1], out var seconds) ? seconds : 20);
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
        using var reader = new EventReader(new MemoryStream(_ndjson), new EventReaderOptions { ReuseEvent = false });
        _events = reader.ReadEvents().ToArray();
        _rules = Rules.Generated.DetectionRuleCatalog.All.OfType<EventRule>().ToArray();
        _engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        Console.WriteLine($"// {Rules.Generated.DetectionRuleCatalog.All.Count} rules compiled, {_rules.Length} single-event rules, {_rules.Count(r => r.Prefilter is not null)} with a prefilter.");
    }

    /// <summary>The reader alone over the same 2,000 documents (one reused event), the baseline of
    /// <see cref="ReadAndMatchPerEvent"/>.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ReadOnlyPerEvent()
    {
        using var reader = new EventReader(new MemoryStream(_ndjson, writable: false));
        long count = 0;
        foreach (var e in reader.ReadEvents())
        {
            count += e.Event is null ? 0 : 1;
        }

        return count;
    }

    /// <summary>The engine in a stream: each document read into the reused event, then matched by the whole corpus
    /// (the event is in the CPU's caches, as in `rules scan`). The engine's share is this minus
    /// <see cref="ReadOnlyPerEvent"/>.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ReadAndMatchPerEvent()
    {
        using var reader = new EventReader(new MemoryStream(_ndjson, writable: false));
        long matched = 0;
        foreach (var e in reader.ReadEvents())
        {
            _matches.Clear();
            _engine.Match(e, _matches);
            matched += _matches.Count;
        }

        return matched;
    }

    /// <summary>The engine over 2,000 events read ahead into an array (about 2 MB of objects, more than the CPU's
    /// caches hold): each event's first touch misses the caches, which an event fresh from the reader does not.
    /// Category dispatch, then the prefilter indexes, then the candidate rules.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int EngineMatchPerEvent()
    {
        var matched = 0;
        foreach (var e in _events)
        {
            _matches.Clear();
            _engine.Match(e, _matches);
            matched += _matches.Count;
        }

        return matched;
    }
}
