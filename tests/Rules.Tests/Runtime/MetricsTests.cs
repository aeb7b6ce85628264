using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rules.Runtime;
using Rules.Runtime.Hosting;
using static Rules.Tests.Runtime.TestEvents;

namespace Rules.Tests.Runtime;

public class MetricsTests
{
    /// <summary>Sums the Rules.Runtime counters measured for one pipeline name.</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _pipeline;

        public MetricsRecorder(string pipeline)
        {
            _pipeline = pipeline;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RulesMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == RulesMetrics.PipelineTag && (string?)tag.Value == _pipeline)
                    {
                        Totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
                    }
                }
            });
            _listener.Start();
        }

        public ConcurrentDictionary<string, long> Totals { get; } = new();

        public long this[string name] => Totals.GetValueOrDefault(name);

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task The_detector_and_dispatcher_report_metrics()
    {
        var name = "metrics-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        var detector = DetectionRules.Detector(new DetectorOptions { Name = name }, DetectionRules.Query, DetectionRules.SuppressedWithDuration);
        var broken = new CallbackAlertSink((Alert _) => throw new IOException("down"), "broken");
        var dispatcher = new AlertDispatcher(new IAlertSink[] { broken }, new AlertDispatcherOptions { Name = name, MaxAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(1) });
        await detector.RunAsync(new[]
        {
            At(Minutes(1), ("event.action", "evil")),
            At(Minutes(1), ("event.action", "evil")),
            At(Minutes(1), ("event.action", "evil")),
            At(Minutes(2), ("event.action", "dup"), ("host.name", "h")),
            At(Minutes(3), ("event.action", "dup"), ("host.name", "h")),
            At(Minutes(4), ("event.action", "other")),
        }, dispatcher);
        await dispatcher.CompleteAsync();

        Assert.Equal(6, metrics["rules.events.read"]);
        Assert.Equal(5, metrics["rules.events.matched"]);
        Assert.Equal(3, metrics["rules.alerts.raised"]);
        Assert.Equal(1, metrics["rules.alerts.suppressed"]);
        Assert.Equal(1, metrics["rules.alerts.throttled"]);
        Assert.Equal(3, metrics["rules.alerts.dropped"]);
        Assert.Equal(6, metrics["rules.sink.errors"]);
    }
}
