using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Rules.Runtime;

/// <summary>Settings of an <see cref="AlertDispatcher"/>.</summary>
public sealed class AlertDispatcherOptions
{
    /// <summary>Alerts each sink may have queued before publishers wait (back-pressure). Default 10,000.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>Attempts to deliver one alert to a failing sink before it is counted as failed. Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Delay before the first retry; doubles with each attempt. Default 50 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Alerts a sink takes before it is flushed even though more are queued (bounds what a crash can
    /// lose to the last unflushed batch). Default 1,000.</summary>
    public int MaxBatch { get; init; } = 1_000;

    /// <summary>The dispatcher's name in metrics (tag rules.pipeline). Default "default".</summary>
    public string Name { get; init; } = "default";
}

/// <summary>
/// Delivers alerts to any number of sinks. Each sink has its own bounded queue and its own delivery task, so a slow
/// or failing sink does not hold up the others until its queue is full; then publishers wait (back-pressure: no
/// alert is ever dropped). A failing write is retried with exponential back-off and, if it keeps failing, counted
/// in <see cref="SinkStatistics.Failed"/> and skipped for that sink only. A sink is flushed when its queue runs
/// empty and after every <see cref="AlertDispatcherOptions.MaxBatch"/> alerts; the alerts written before a flush
/// that succeeded are acknowledged (<see cref="SinkStatistics.Acknowledged"/>, <see cref="Acknowledged"/>).
/// <see cref="CompleteAsync"/> stops accepting alerts, delivers every accepted alert and flushes every sink.
/// </summary>
public sealed class AlertDispatcher : IAsyncDisposable
{
    private readonly SinkWorker[] _workers;
    private readonly AlertDispatcherOptions _options;
    private long _published;
    private int _completed;

    public AlertDispatcher(IEnumerable<IAlertSink> sinks, AlertDispatcherOptions? options = null)
    {
        _options = options ?? new AlertDispatcherOptions();
        if (_options.QueueCapacity < 1 || _options.MaxAttempts < 1 || _options.MaxBatch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "QueueCapacity, MaxAttempts and MaxBatch must be at least 1.");
        }

        var workers = new List<SinkWorker>();
        foreach (var sink in sinks)
        {
            workers.Add(new SinkWorker(sink, _options, this));
        }

        _workers = workers.ToArray();
    }

    /// <summary>Alerts accepted so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Raised after a sink's flush succeeded: the sink and how many alerts it has acknowledged in all
    /// (written and made durable). Called on the sink's delivery task; keep it short.</summary>
    public event Action<string, long>? Acknowledged;

    /// <summary>Per-sink delivery counts.</summary>
    public IReadOnlyList<SinkStatistics> Sinks => Array.ConvertAll(_workers, w => w.Statistics);

    /// <summary>Queues the alert for every sink; waits while a sink's queue is full.</summary>
    public async ValueTask PublishAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (Volatile.Read(ref _completed) != 0)
        {
            throw new InvalidOperationException("The dispatcher is completed and accepts no more alerts.");
        }

        foreach (var worker in _workers)
        {
            await worker.Queue.Writer.WriteAsync(alert, cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _published);
    }

    /// <summary>Stops accepting alerts, delivers every accepted one to every sink, and flushes the sinks.</summary>
    public async Task CompleteAsync()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            foreach (var worker in _workers)
            {
                worker.Queue.Writer.TryComplete();
            }
        }

        foreach (var worker in _workers)
        {
            await worker.Completion.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await CompleteAsync().ConfigureAwait(false);

    private sealed class SinkWorker
    {
        private readonly IAlertSink _sink;
        private readonly AlertDispatcherOptions _options;
        private readonly AlertDispatcher _owner;
        private readonly KeyValuePair<string, object?> _tag;
        private long _acknowledged;
        private long _delivered;
        private long _failed;
        private long _retries;
        private long _flushFailures;

        public SinkWorker(IAlertSink sink, AlertDispatcherOptions options, AlertDispatcher owner)
        {
            _sink = sink;
            _options = options;
            _owner = owner;
            _tag = RulesMetrics.Tag(options.Name);
            Queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(options.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = false,
            });
            Completion = Task.Run(RunAsync);
        }

        public Channel<Alert> Queue { get; }

        public Task Completion { get; }

        public SinkStatistics Statistics => new(
            _sink.Name,
            Interlocked.Read(ref _delivered),
            Interlocked.Read(ref _failed),
            Interlocked.Read(ref _retries),
            Interlocked.Read(ref _flushFailures),
            Interlocked.Read(ref _acknowledged));

        private async Task RunAsync()
        {
            var reader = Queue.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var batch = 0;
                while (reader.TryRead(out var alert))
                {
                    await DeliverAsync(alert).ConfigureAwait(false);
                    if (++batch >= _options.MaxBatch)
                    {
                        // A steady flood never empties the queue: flush per batch so a crash loses at most a batch.
                        await FlushAsync().ConfigureAwait(false);
                        batch = 0;
                    }
                }

                // The queue ran empty: make what was written durable before waiting for more.
                await FlushAsync().ConfigureAwait(false);
            }

            await FlushAsync().ConfigureAwait(false);
        }

        private async Task DeliverAsync(Alert alert)
        {
            var delay = _options.RetryDelay;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _sink.WriteAsync(alert, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Increment(ref _delivered);
                    return;
                }
                catch (Exception) when (attempt < _options.MaxAttempts)
                {
                    Interlocked.Increment(ref _retries);
                    RulesMetrics.SinkErrors.Add(1, _tag);
                    await Task.Delay(delay).ConfigureAwait(false);
                    delay += delay;
                }
                catch (Exception)
                {
                    // Isolated: this sink loses this alert (counted); the other sinks are unaffected.
                    Interlocked.Increment(ref _failed);
                    RulesMetrics.SinkErrors.Add(1, _tag);
                    RulesMetrics.AlertsDropped.Add(1, _tag);
                    return;
                }
            }
        }

        private async Task FlushAsync()
        {
            var written = Interlocked.Read(ref _delivered);
            try
            {
                await _sink.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Not acknowledged: the next successful flush covers these alerts too.
                Interlocked.Increment(ref _flushFailures);
                RulesMetrics.SinkErrors.Add(1, _tag);
                return;
            }

            if (written > Interlocked.Read(ref _acknowledged))
            {
                Interlocked.Exchange(ref _acknowledged, written);
                try
                {
                    _owner.Acknowledged?.Invoke(_sink.Name, written);
                }
                catch (Exception)
                {
                    // A failing observer must not stop delivery.
                }
            }
        }
    }
}

/// <summary>What one sink received: alerts delivered, alerts that failed after every retry, retries, failed flushes,
/// and alerts acknowledged (delivered before a flush that succeeded: durable for a durable sink).</summary>
public sealed record SinkStatistics(string Sink, long Delivered, long Failed, long Retries, long FlushFailures, long Acknowledged);
