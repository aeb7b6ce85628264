using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Rules.Runtime;

namespace Rules.Benchmarks;

/// <summary>
/// Alerts per second through the dispatcher: <see cref="Alerts"/> alerts published and drained (CompleteAsync)
/// per invocation, reported per alert (OperationsPerInvoke). Sinks: a counting callback (the dispatcher's own
/// cost), an NDJSON sink to a null stream (the Elastic document serialisation), and both at once.
/// </summary>
[MemoryDiagnoser]
public class DispatcherBenchmarks
{
    public const int Alerts = 10_000;

    private Alert[] _alerts = Array.Empty<Alert>();
    private long _counted;

    [Params(1, 4)]
    public int Producers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var events = SampleData.LoadSampleEvents();
        var rule = Rules.Generated.DetectionRuleCatalog.All[0].Metadata;
        _alerts = Enumerable.Range(0, Alerts).Select(i => new Alert(rule, events[i % events.Length], DateTimeOffset.UnixEpoch) { Id = "alert-" + i }).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Alerts)]
    public Task CountingSink() => PublishAll(new CallbackAlertSink(_ => Interlocked.Increment(ref _counted)));

    [Benchmark(OperationsPerInvoke = Alerts)]
    public Task NdjsonSinkToNullStream() => PublishAll(new NdjsonAlertSink(Stream.Null));

    [Benchmark(OperationsPerInvoke = Alerts)]
    public Task TwoSinks() => PublishAll(new CallbackAlertSink(_ => Interlocked.Increment(ref _counted)), new NdjsonAlertSink(Stream.Null));

    private async Task PublishAll(params IAlertSink[] sinks)
    {
        var dispatcher = new AlertDispatcher(sinks);
        var share = Alerts / Producers;
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = p * share; i < (p + 1) * share; i++)
            {
                await dispatcher.PublishAsync(_alerts[i]).ConfigureAwait(false);
            }
        }))).ConfigureAwait(false);
        await dispatcher.CompleteAsync().ConfigureAwait(false);
    }
}
