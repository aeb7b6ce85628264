using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rules.Runtime;
using Rules.Runtime.Hosting;
using static Rules.Tests.Runtime.TestEvents;

namespace Rules.Tests.Runtime;

/// <summary>The detection service inside a real Microsoft.Extensions.Hosting host: start, feed, stop drains.</summary>
public class HostedDetectionTests
{
    private static IHost BuildHost(Action<DetectionRulesOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddDetectionRules(DetectionRules.All, configure);
        return builder.Build();
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_host_runs_the_detector_over_a_channel_and_stopping_it_drains_held_alerts()
    {
        var channel = Channel.CreateUnbounded<EcsEvent>();
        var received = new ConcurrentQueue<Alert>();
        using var host = BuildHost(options => options
            .ReadFrom(channel.Reader)
            .AddSink(new CallbackAlertSink(received.Enqueue)));
        var service = host.Services.GetRequiredService<DetectionService>();
        Assert.Contains(service, host.Services.GetServices<IHostedService>());
        await host.StartAsync();

        await channel.Writer.WriteAsync(At(Minutes(1), ("event.action", "evil")));
        // Held by suppression until its window ends: stopping the host must still deliver it.
        await channel.Writer.WriteAsync(At(Minutes(2), ("event.action", "dup"), ("host.name", "h")));
        await channel.Writer.WriteAsync(At(Minutes(3), ("event.action", "dup"), ("host.name", "h")));
        await WaitFor(() => service.Detector.Events == 3 && !received.IsEmpty);
        Assert.Single(received);

        await host.StopAsync();
        await service.Drained.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, received.Count);
        Assert.Equal(1, received.Last().Suppression!.DocsCount);
        Assert.Equal(3, service.Detector.Events);
    }

    [Fact]
    public async Task A_host_reads_an_ndjson_stream_to_its_end_with_the_alerts_of_a_replay()
    {
        var ndjson = string.Join("\n", DetectorTests.MixedEvents().Select(Rules.Runtime.Reading.EventWriter.ToJson));
        var received = new ConcurrentQueue<Alert>();
        using var host = BuildHost(options => options
            .ReadFrom(() => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(ndjson)))
            .AddSink(new CallbackAlertSink(received.Enqueue)));
        await host.StartAsync();
        var service = host.Services.GetRequiredService<DetectionService>();
        await service.Drained.WaitAsync(TimeSpan.FromSeconds(30));

        var expected = Run(DetectionRules.Detector(), DetectorTests.MixedEvents()).Select(AlertJson.ToJson);
        Assert.Equal(expected, received.Select(AlertJson.ToJson));
        await host.StopAsync();
    }

    [Fact]
    public async Task With_idle_advance_a_quiet_source_still_releases_closed_suppression_windows()
    {
        var channel = Channel.CreateUnbounded<EcsEvent>();
        var received = new ConcurrentQueue<Alert>();
        var clock = new ShiftedClock();
        using var host = BuildHost(options =>
        {
            options.ReadFrom(channel.Reader).AddSink(new CallbackAlertSink(received.Enqueue));
            options.IdleAdvance = TimeSpan.FromMilliseconds(50);
            options.TimeProvider = clock;
        });
        await host.StartAsync();
        var service = host.Services.GetRequiredService<DetectionService>();

        await channel.Writer.WriteAsync(At(Minutes(2), ("event.action", "dup"), ("host.name", "h")));
        await channel.Writer.WriteAsync(At(Minutes(3), ("event.action", "dup"), ("host.name", "h")));
        await WaitFor(() => service.Detector.Events == 2);
        // Quiet for a while in wall time, but less than the 10-minute window: still held.
        await Task.Delay(200);
        Assert.Empty(received);

        // Eleven minutes pass on the wall clock with no event: the window (10:02 to 10:12) has closed.
        clock.Shift(TimeSpan.FromMinutes(11));
        await WaitFor(() => !received.IsEmpty);
        var alert = Assert.Single(received);
        Assert.Equal(1, alert.Suppression!.DocsCount);
        Assert.True(service.Detector.Watermark >= Origin + Minutes(14));

        await host.StopAsync();
        await service.Drained.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Single(received);
    }

    /// <summary>The system clock, moved forward on demand (timers stay real).</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _shift;

        public void Shift(TimeSpan by) => Interlocked.Add(ref _shift, (long)(by.TotalSeconds * TimestampFrequency));

        public override long GetTimestamp() => System.GetTimestamp() + Interlocked.Read(ref _shift);
    }
}
