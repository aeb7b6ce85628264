using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rules.Runtime;
using Rules.Runtime.Hosting;
using static Rules.Tests.Runtime.TestEvents;

namespace Rules.Tests.Runtime;

public class MetricsAndHostingTests
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

    /// <summary>A minimal container over the registrations (singletons by instance or factory), standing in for the
    /// host's: the restricted feed has no complete Microsoft.Extensions.Hosting of a consistent version.</summary>
    private sealed class SingletonProvider(IServiceCollection services) : IServiceProvider
    {
        private readonly Dictionary<ServiceDescriptor, object> _instances = new();

        public object? GetService(Type serviceType)
        {
            var descriptor = services.LastOrDefault(d => d.ServiceType == serviceType);
            if (descriptor is null)
            {
                return null;
            }

            Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
            if (!_instances.TryGetValue(descriptor, out var instance))
            {
                instance = descriptor.ImplementationInstance ?? descriptor.ImplementationFactory?.Invoke(this)
                    ?? throw new InvalidOperationException("Only instances and factories are supported: " + serviceType);
                _instances[descriptor] = instance;
            }

            return instance;
        }
    }

    [Fact]
    public async Task AddDetectionRules_runs_a_hosted_detector_over_a_channel_and_drains_on_stop()
    {
        var channel = Channel.CreateUnbounded<EcsEvent>();
        var received = new ConcurrentQueue<Alert>();
        var services = new ServiceCollection();
        services.AddDetectionRules(DetectionRules.All, options => options
            .ReadFrom(channel.Reader)
            .AddSink(new CallbackAlertSink(received.Enqueue)));

        var provider = new SingletonProvider(services);
        var hosted = Assert.IsType<DetectionService>(provider.GetRequiredService<IHostedService>());
        Assert.Same(hosted, provider.GetRequiredService<DetectionService>());
        await hosted.StartAsync(CancellationToken.None);

        await channel.Writer.WriteAsync(At(Minutes(1), ("event.action", "evil")));
        // Held by suppression until its window ends: the stop must still deliver it.
        await channel.Writer.WriteAsync(At(Minutes(2), ("event.action", "dup"), ("host.name", "h")));
        await channel.Writer.WriteAsync(At(Minutes(3), ("event.action", "dup"), ("host.name", "h")));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Single(received);
        await hosted.StopAsync(CancellationToken.None);
        await hosted.Drained;

        Assert.Equal(2, received.Count);
        Assert.Equal(1, received.Last().Suppression!.DocsCount);
        Assert.Equal(3, hosted.Detector.Events);
    }

    [Fact]
    public async Task The_hosted_detector_reads_an_ndjson_stream_to_its_end()
    {
        var ndjson = string.Join("\n", DetectorTests.MixedEvents().Select(Rules.Runtime.Reading.EventWriter.ToJson));
        var received = new ConcurrentQueue<Alert>();
        var services = new ServiceCollection();
        services.AddDetectionRules(DetectionRules.All, options => options
            .ReadFrom(() => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(ndjson)))
            .AddSink(new CallbackAlertSink(received.Enqueue)));
        var hosted = new SingletonProvider(services).GetRequiredService<DetectionService>();
        await hosted.StartAsync(CancellationToken.None);
        await hosted.Drained.WaitAsync(TimeSpan.FromSeconds(30));

        var expected = Run(DetectionRules.Detector(), DetectorTests.MixedEvents()).Select(a => a.Id);
        Assert.Equal(expected, received.Select(a => a.Id));
        await hosted.StopAsync(CancellationToken.None);
    }
}
