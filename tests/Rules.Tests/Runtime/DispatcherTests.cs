using System.Collections.Concurrent;
using Rules.Runtime;
using static Rules.Tests.Runtime.TestEvents;

namespace Rules.Tests.Runtime;

public class DispatcherTests
{
    private static readonly RuleMetadata Rule = new() { RuleId = "dispatch", Name = "Dispatch", Type = "query", Severity = "low" };

    internal static Alert NewAlert(int i) => new(Rule, At(TimeSpan.FromSeconds(i)), Origin) { Id = "alert-" + i };

    private sealed class RecordingSink(string name, Func<Alert, int, Task>? onWrite = null) : IAlertSink
    {
        private int _calls;

        public ConcurrentQueue<string> Ids { get; } = new();

        public int Flushes;

        public string Name { get; } = name;

        public async ValueTask WriteAsync(Alert alert, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (onWrite is not null)
            {
                await onWrite(alert, call);
            }

            Ids.Enqueue(alert.Id);
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Flushes);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Many_concurrent_producers_lose_and_duplicate_nothing()
    {
        var first = new RecordingSink("first");
        var second = new RecordingSink("second", async (_, call) =>
        {
            if (call % 97 == 0)
            {
                await Task.Yield();
            }
        });
        var dispatcher = new AlertDispatcher(new IAlertSink[] { first, second }, new AlertDispatcherOptions { QueueCapacity = 32 });
        const int Producers = 8, PerProducer = 2_000;
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                await dispatcher.PublishAsync(NewAlert(p * PerProducer + i));
            }
        })));
        await dispatcher.CompleteAsync();

        var expected = Enumerable.Range(0, Producers * PerProducer).Select(i => "alert-" + i).OrderBy(x => x, StringComparer.Ordinal);
        Assert.Equal(expected, first.Ids.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(expected, second.Ids.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(Producers * PerProducer, dispatcher.Published);
        Assert.All(dispatcher.Sinks, s => Assert.Equal(Producers * PerProducer, s.Acknowledged));
    }

    [Fact]
    public async Task A_throwing_sink_is_retried_and_isolated_from_the_others()
    {
        var flaky = new RecordingSink("flaky", (_, call) => call % 2 == 1 ? throw new IOException("transient") : Task.CompletedTask);
        var broken = new RecordingSink("broken", (_, _) => throw new IOException("down"));
        var healthy = new RecordingSink("healthy");
        var dispatcher = new AlertDispatcher(new IAlertSink[] { flaky, broken, healthy },
            new AlertDispatcherOptions { MaxAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(1) });
        for (var i = 0; i < 50; i++)
        {
            await dispatcher.PublishAsync(NewAlert(i));
        }

        await dispatcher.CompleteAsync();
        var stats = dispatcher.Sinks.ToDictionary(s => s.Sink);
        Assert.Equal(50, flaky.Ids.Count);
        Assert.Equal(50, stats["flaky"].Delivered);
        Assert.Equal(50, stats["flaky"].Retries);
        Assert.Equal(0, stats["flaky"].Failed);
        Assert.Equal(50, stats["broken"].Failed);
        Assert.Equal(100, stats["broken"].Retries);
        Assert.Equal(0, stats["broken"].Acknowledged);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => "alert-" + i), healthy.Ids);
    }

    [Fact]
    public async Task A_slow_sink_applies_back_pressure_without_dropping_or_holding_up_others_until_its_queue_is_full()
    {
        var release = new TaskCompletionSource();
        var slow = new RecordingSink("slow", (_, _) => release.Task);
        var fast = new RecordingSink("fast");
        var dispatcher = new AlertDispatcher(new IAlertSink[] { slow, fast }, new AlertDispatcherOptions { QueueCapacity = 4 });

        // The slow sink holds one alert in hand and four queued: the sixth publish must wait.
        for (var i = 0; i < 5; i++)
        {
            await dispatcher.PublishAsync(NewAlert(i));
        }

        var blocked = dispatcher.PublishAsync(NewAlert(5)).AsTask();
        // The fast sink was not held up by the slow one.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (fast.Ids.Count < 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(5, fast.Ids.Count);
        await Task.Delay(100);
        Assert.False(blocked.IsCompleted);

        release.SetResult();
        await blocked;
        await dispatcher.CompleteAsync();
        Assert.Equal(6, slow.Ids.Count);
        Assert.Equal(6, fast.Ids.Count);
    }

    [Fact]
    public async Task Shutdown_drains_every_accepted_alert_and_flushes()
    {
        var sink = new RecordingSink("drain", async (_, call) =>
        {
            if (call % 50 == 0)
            {
                await Task.Delay(1);
            }
        });
        var dispatcher = new AlertDispatcher(new IAlertSink[] { sink }, new AlertDispatcherOptions { QueueCapacity = 10_000 });
        for (var i = 0; i < 1_000; i++)
        {
            await dispatcher.PublishAsync(NewAlert(i));
        }

        await dispatcher.CompleteAsync();
        Assert.Equal(1_000, sink.Ids.Count);
        Assert.True(sink.Flushes >= 1);
        Assert.Equal(1_000, Assert.Single(dispatcher.Sinks).Acknowledged);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await dispatcher.PublishAsync(NewAlert(1_001)));
    }

    [Fact]
    public async Task The_file_sink_acknowledges_only_alerts_already_on_disk()
    {
        var path = Path.Combine(Path.GetTempPath(), "rules-ack-" + Guid.NewGuid().ToString("N") + ".ndjson");
        try
        {
            var sink = NdjsonAlertSink.ToFile(path);
            var violations = 0;
            var checks = 0;
            var dispatcher = new AlertDispatcher(new IAlertSink[] { sink }, new AlertDispatcherOptions { MaxBatch = 25 });
            dispatcher.Acknowledged += (_, acknowledged) =>
            {
                // Read what another process would see on disk right now.
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var complete = reader.ReadToEnd().Count(c => c == '\n');
                Interlocked.Increment(ref checks);
                if (complete < acknowledged)
                {
                    Interlocked.Increment(ref violations);
                }
            };

            for (var i = 0; i < 500; i++)
            {
                await dispatcher.PublishAsync(NewAlert(i));
            }

            await dispatcher.CompleteAsync();
            await sink.DisposeAsync();
            Assert.True(checks >= 2, checks.ToString());
            Assert.Equal(0, violations);
            Assert.Equal(500, File.ReadAllLines(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
