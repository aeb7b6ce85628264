using Microsoft.Extensions.Hosting;
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Rules.Runtime.Hosting;

/// <summary>
/// Runs the detector over the configured event source in the background and hands alerts to the dispatcher. When
/// the source ends or the host stops, it drains: pending threshold runs and held (suppressed) alerts are raised,
/// and every accepted alert is delivered and flushed before the service reports stopped.
/// </summary>
public sealed class DetectionService : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly DetectionRulesOptions _options;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DetectionService(IServiceProvider services, Detector detector, AlertDispatcher dispatcher, DetectionRulesOptions options)
    {
        _services = services;
        Detector = detector;
        Dispatcher = dispatcher;
        _options = options;
    }

    public Detector Detector { get; }

    public AlertDispatcher Dispatcher { get; }

    /// <summary>Completes when the source has been read to its end (or the host stopped) and alerts were drained.</summary>
    public Task Drained => _drained.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave host start-up at once: the source may block.
        await Task.Yield();
        var alerts = new List<Alert>();
        try
        {
            if (_options.Source is { } source)
            {
                await RunAsync(source(_services, stoppingToken), alerts, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping: drain below.
        }
        finally
        {
            // Alerts already accepted must not be lost on shutdown: raise what is held and deliver everything.
            Detector.Complete(alerts);
            await Detector.PublishAsync(alerts, Dispatcher, CancellationToken.None).ConfigureAwait(false);
            await Dispatcher.CompleteAsync().ConfigureAwait(false);
            _drained.TrySetResult();
        }
    }

    private async Task RunAsync(IAsyncEnumerable<EcsEvent> events, List<Alert> alerts, CancellationToken stoppingToken)
    {
        var idle = _options.IdleAdvance is { } span && span > TimeSpan.Zero ? span : (TimeSpan?)null;
        var clock = _options.TimeProvider;
        var enumerator = events.GetAsyncEnumerator(stoppingToken);
        Task<bool>? pending = null;
        try
        {
            var lastEventAt = clock.GetTimestamp();
            var watermarkAtLastEvent = Detector.Watermark;
            while (true)
            {
                var next = enumerator.MoveNextAsync();
                bool more;
                if (idle is null || next.IsCompleted)
                {
                    more = await next.ConfigureAwait(false);
                }
                else
                {
                    pending = next.AsTask();
                    while (!pending.IsCompleted)
                    {
                        var wait = Task.Delay(idle.Value, clock, stoppingToken);
                        if (await Task.WhenAny(pending, wait).ConfigureAwait(false) == wait)
                        {
                            await wait.ConfigureAwait(false); // throws when the host stops
                            if (watermarkAtLastEvent is { } watermark)
                            {
                                // Event time moves on as the wall clock has since the last event.
                                Detector.AdvanceTime(watermark + clock.GetElapsedTime(lastEventAt), alerts);
                                await Detector.PublishAsync(alerts, Dispatcher, CancellationToken.None).ConfigureAwait(false);
                            }
                        }
                    }

                    more = await pending.ConfigureAwait(false);
                    pending = null;
                }

                if (!more)
                {
                    return;
                }

                Detector.Process(enumerator.Current, alerts);
                await Detector.PublishAsync(alerts, Dispatcher, CancellationToken.None).ConfigureAwait(false);
                lastEventAt = clock.GetTimestamp();
                watermarkAtLastEvent = Detector.Watermark;
            }
        }
        finally
        {
            if (pending is not null)
            {
                // A source honours the stopping token; its pending read ends before the enumerator is disposed.
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
