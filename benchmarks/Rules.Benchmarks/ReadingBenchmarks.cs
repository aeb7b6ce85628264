using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using Rules.Runtime;
using Rules.Runtime.Reading;

namespace Rules.Benchmarks;

/// <summary>
/// Reading NDJSON of realistic ECS documents (about 1.8 KB each: Elastic Defend process, file, registry and
/// network events), alone and together with the five seed matchers. Reported per event.
/// </summary>
[MemoryDiagnoser]
public class ReadingBenchmarks
{
    public const int Events = 2_000;

    private byte[] _ndjson = Array.Empty<byte>();
    private RuleEngine _engine = null!;
    private readonly List<EventRule> _matches = new(16);

    [GlobalSetup]
    public void Setup()
    {
        _ndjson = RealisticEvents.Ndjson(Events);
        _engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
    }

    /// <summary>Average document size, for the report.</summary>
    public int BytesPerEvent => _ndjson.Length / Events;

    [Benchmark(OperationsPerInvoke = Events)]
    public long ReadOnly() => BenchmarkPasses.Read(_ndjson);

    [Benchmark(OperationsPerInvoke = Events)]
    public long ReadAndMatch() => BenchmarkPasses.ReadAndMatch(_ndjson, _engine, _matches);
}
