using Rules.Runtime.Reading;
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;

namespace Rules.Runtime.Hosting;

/// <summary>What <see cref="DetectionRulesServiceCollectionExtensions.AddDetectionRules"/> runs: where events come
/// from, the detector's and dispatcher's settings, and the sinks alerts go to.</summary>
public sealed class DetectionRulesOptions
{
    public DetectorOptions Detector { get; set; } = new();

    public AlertDispatcherOptions Dispatcher { get; set; } = new();

    /// <summary>Where alerts go; each gets its own queue (see <see cref="AlertDispatcher"/>).</summary>
    public List<IAlertSink> Sinks { get; } = new();

    /// <summary>
    /// Off (null) by default. When set, and the source has yielded no event for this long (wall clock), the service
    /// moves the detector's clock on by the wall time passed since the last event (<see cref="Detector.AdvanceTime"/>),
    /// so held (suppressed) alerts and threshold runs whose windows ended meanwhile go out instead of waiting for the
    /// next event. This reads the wall clock: a live stream then no longer gives exactly the alerts a replay of the
    /// same events gives (a late event can miss a window closed early). docs/runtime.md.
    /// </summary>
    public TimeSpan? IdleAdvance { get; set; }

    /// <summary>The wall clock <see cref="IdleAdvance"/> reads (tests substitute one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The events to run the rules over; the service stops (after draining) when it ends.</summary>
    public Func<IServiceProvider, CancellationToken, IAsyncEnumerable<EcsEvent>>? Source { get; set; }

    /// <summary>Reads events from a channel: the producer completes the writer to end the stream.</summary>
    public DetectionRulesOptions ReadFrom(ChannelReader<EcsEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Source = (_, cancellationToken) => events.ReadAllAsync(cancellationToken);
        return this;
    }

    /// <summary>Reads NDJSON events (gzip detected) from a stream the function opens.</summary>
    public DetectionRulesOptions ReadFrom(Func<Stream> open, EventReaderOptions? readerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        Source = (_, cancellationToken) => ReadNdjson(open, readerOptions, cancellationToken);
        return this;
    }

    public DetectionRulesOptions AddSink(IAlertSink sink)
    {
        Sinks.Add(sink ?? throw new ArgumentNullException(nameof(sink)));
        return this;
    }

    private static async IAsyncEnumerable<EcsEvent> ReadNdjson(Func<Stream> open, EventReaderOptions? readerOptions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new EventReader(open(), readerOptions);
        foreach (var e in reader.ReadEvents())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }

        // The reader is synchronous; this await only makes the method an async iterator.
        await System.Threading.Tasks.Task.CompletedTask.ConfigureAwait(false);
    }
}
