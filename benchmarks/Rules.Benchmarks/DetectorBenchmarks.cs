using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Rules.Runtime;

namespace Rules.Benchmarks;

/// <summary>
/// The detector over the bundled sample events (28: 10 alert, 18 do not), per event: matching, alert creation
/// (event snapshot, id) and the suppression/max_signals gate. Each invocation advances event time so max_signals
/// never throttles.
/// </summary>
[MemoryDiagnoser]
public class DetectorBenchmarks
{
    private EcsEvent[] _events = Array.Empty<EcsEvent>();
    private Detector _detector = null!;
    private readonly List<Alert> _alerts = new();
    private DateTimeOffset _time = DateTimeOffset.UnixEpoch;

    [GlobalSetup]
    public void Setup()
    {
        _events = SampleData.LoadSampleEvents();
        _detector = new Detector(Rules.Generated.DetectionRuleCatalog.All);
    }

    [Benchmark(OperationsPerInvoke = SeedMatcherBenchmarks.Events)]
    public int SampleEventsThroughTheDetector()
    {
        _alerts.Clear();
        foreach (var e in _events)
        {
            _time = _time.AddMinutes(5);
            e.Timestamp = _time;
            _detector.Process(e, _alerts);
        }

        return _alerts.Count;
    }
}
