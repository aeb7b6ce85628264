using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Rules.Runtime;

namespace Rules.Benchmarks;

/// <summary>
/// The detector over the bundled sample events (28: 10 alert, 18 do not), per event: matching, alert creation
/// (event capture, id) and the suppression/max_signals gate; and the same with every alert written as its Elastic
/// document (what the NDJSON sink does, without the queue). Each invocation advances event time so max_signals
/// never throttles.
/// </summary>
[MemoryDiagnoser]
public class DetectorBenchmarks
{
    private EcsEvent[] _events = Array.Empty<EcsEvent>();
    private Detector _detector = null!;
    private readonly List<Alert> _alerts = new();
    private DateTimeOffset _time = DateTimeOffset.UnixEpoch;
    private readonly System.Buffers.ArrayBufferWriter<byte> _document = new(64 * 1024);
    private System.Text.Json.Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _events = SampleData.LoadSampleEvents();
        _detector = new Detector(Rules.Generated.DetectionRuleCatalog.All);
        _writer = new System.Text.Json.Utf8JsonWriter(_document, AlertJson.WriterOptions);
    }

    [Benchmark(OperationsPerInvoke = SeedMatcherBenchmarks.Events)]
    public long SampleEventsThroughTheDetectorWithDocuments()
    {
        long bytes = 0;
        SampleEventsThroughTheDetector();
        foreach (var alert in _alerts)
        {
            _document.ResetWrittenCount();
            _writer.Reset(_document);
            AlertJson.Write(_writer, _document, alert);
            bytes += _document.WrittenCount;
        }

        return bytes;
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
