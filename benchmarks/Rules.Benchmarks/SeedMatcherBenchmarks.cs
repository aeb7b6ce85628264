using Rules.Runtime.Reading;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Rules.Runtime;

namespace Rules.Benchmarks;

/// <summary>
/// The five seed matchers over the bundled sample events (28 events: positives, near misses, noise).
/// Reported per event: OperationsPerInvoke is the number of events.
/// </summary>
[MemoryDiagnoser]
public class SeedMatcherBenchmarks
{
    private EcsEvent[] _events = Array.Empty<EcsEvent>();
    private EventRule[] _rules = Array.Empty<EventRule>();
    private RuleEngine _engine = null!;
    private readonly List<EventRule> _matches = new(16);

    public const int Events = 28;

    [GlobalSetup]
    public void Setup()
    {
        _events = SampleData.LoadSampleEvents();
        if (_events.Length != Events)
        {
            throw new InvalidOperationException($"Expected {Events} sample events, found {_events.Length}.");
        }

        _rules = Rules.Generated.DetectionRuleCatalog.All.Cast<EventRule>().ToArray();
        _engine = new RuleEngine(_rules);
    }

    /// <summary>Every seed matcher on every event, each with its own category test (no dispatch).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int AllFiveMatchersPerEvent() => BenchmarkPasses.MatchEachRule(_events, _rules);

    /// <summary>The engine: dispatch on event.category, then the matching rules' conditions.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int EnginePerEvent() => BenchmarkPasses.MatchAll(_events, _engine, _matches);
}

internal static class SampleData
{
    public static EcsEvent[] LoadSampleEvents()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rules.sln")))
        {
            directory = directory.Parent;
        }

        var path = directory is null
            ? Path.Combine(AppContext.BaseDirectory, "samples", "events.ndjson")
            : Path.Combine(directory.FullName, "rules", "samples", "events.ndjson");
        using var reader = EventReader.Open(path, new EventReaderOptions { ReuseEvent = false });
        return reader.ReadEvents().ToArray();
    }
}

/// <summary>
/// Each seed rule's <c>Matches</c> alone over the 28 sample events (its own category test included): which rule
/// costs what in <see cref="SeedMatcherBenchmarks.AllFiveMatchersPerEvent"/>. Reported per event.
/// </summary>
[MemoryDiagnoser]
public class SeedRuleBenchmarks
{
    private EcsEvent[] _events = Array.Empty<EcsEvent>();
    private EventRule _rule = null!;

    public static IEnumerable<string> RuleNames => Rules.Generated.DetectionRuleCatalog.All.Select(r => r.Metadata.Name);

    [ParamsSource(nameof(RuleNames))]
    public string Rule { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _events = SampleData.LoadSampleEvents();
        _rule = Rules.Generated.DetectionRuleCatalog.All.Cast<EventRule>().Single(r => r.Metadata.Name == Rule);
    }

    [Benchmark(OperationsPerInvoke = SeedMatcherBenchmarks.Events)]
    public int OneRulePerEvent()
    {
        var alerts = 0;
        foreach (var e in _events)
        {
            if (_rule.Matches(e))
            {
                alerts++;
            }
        }

        return alerts;
    }
}
