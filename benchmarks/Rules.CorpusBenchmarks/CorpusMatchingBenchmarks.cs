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
    private RuleEngine _engine = null!;
    private EventRule[] _rules = Array.Empty<EventRule>();
    private readonly List<EventRule> _matches = new(64);

    [GlobalSetup]
    public void Setup()
    {
        using var reader = new EventReader(new MemoryStream(RealisticEvents.Ndjson(Events)), new EventReaderOptions { ReuseEvent = false });
        _events = reader.ReadEvents().ToArray();
        _rules = Rules.Generated.DetectionRuleCatalog.All.OfType<EventRule>().ToArray();
        _engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        Console.WriteLine($"// {Rules.Generated.DetectionRuleCatalog.All.Count} rules compiled, {_rules.Length} single-event rules, {_rules.Count(r => r.Prefilter is not null)} with a prefilter.");
    }

    /// <summary>The engine: category dispatch, then the prefilter indexes, then the candidate rules.</summary>
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
