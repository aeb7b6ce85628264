using Rules.Runtime.Reading;
using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace Rules.Runtime;

/// <summary>
/// An event as an alert keeps it: its JSON (UTF-8, as <see cref="EventWriter"/> writes it), captured once when the
/// event matched and never changed afterwards (the reader reuses its event object, so the alert cannot keep that).
/// The alert document is written straight from these bytes; an <see cref="EcsEvent"/> is parsed from them only if
/// someone asks for <see cref="Event"/>.
/// </summary>
public sealed class CapturedEvent
{
    private readonly byte[] _json;
    private EcsEvent? _event;
    private string? _id;

    private CapturedEvent(byte[] json, EcsEvent? parsed)
    {
        _json = json;
        _event = parsed;
    }

    /// <summary>The event's JSON, one object, no newline.</summary>
    public ReadOnlyMemory<byte> Json => _json;

    /// <summary>The event as a record (parsed on first use; a copy of the captured content, never the live event).</summary>
    public EcsEvent Event
    {
        get
        {
            if (Volatile.Read(ref _event) is { } parsed)
            {
                return parsed;
            }

            // Sinks may ask from several threads: the first parse wins, the others are dropped.
            Interlocked.CompareExchange(ref _event, Parse(_json), null);
            return _event!;
        }
    }

    /// <summary>The event's id in kibana.alert.ancestors: a hash of its content (NDJSON events carry no _id).</summary>
    public string Id => _id ??= AlertIds.Hash("event"u8, _json);

    /// <summary>Captures an event's current content.</summary>
    public static CapturedEvent Of(EcsEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new CapturedEvent(Encoding.UTF8.GetBytes(EventWriter.ToJson(e)), null);
    }

    /// <summary>Wraps JSON an <see cref="EventWriter"/> wrote; the array is owned from now on.</summary>
    internal static CapturedEvent FromWriterOutput(byte[] json) => new(json, null);

    /// <summary>Captures an event the caller hands over and will not change: it also serves as <see cref="Event"/>.</summary>
    internal static CapturedEvent OfOwned(EcsEvent e) => new(Encoding.UTF8.GetBytes(EventWriter.ToJson(e)), e);

    internal static EcsEvent Parse(byte[] json)
    {
        using var reader = new EventReader(new MemoryStream(json, writable: false), new EventReaderOptions { ReuseEvent = false });
        return reader.ReadEvents().Single();
    }
}
