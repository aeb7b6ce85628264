using Rules.Runtime.Reading;
using System;
using System.IO;

namespace Rules.Runtime;

/// <summary>
/// One event as the alerts raised on it see it: the live event (valid only while the detector handles it: the
/// reader reuses its event object) for the decisions made at once (event time, overrides, group-by values), and
/// its capture (<see cref="CapturedEvent"/>), made at most once however many rules match. Built only for events
/// that matched.
/// </summary>
internal sealed class EventCapture
{
    private readonly EcsEvent _source;
    private readonly EventCaptureWriter _writer;
    private CapturedEvent? _captured;

    public EventCapture(EcsEvent source, EventCaptureWriter writer)
    {
        _source = source;
        _writer = writer;
    }

    /// <summary>The live event: read it during this call only.</summary>
    public EcsEvent Source => _source;

    public CapturedEvent Captured => _captured ??= _writer.Capture(_source);

    /// <summary>The event's id in kibana.alert.ancestors: a hash of its content (NDJSON events carry no _id).</summary>
    public string Id => Captured.Id;

    /// <summary>The data stream the event names (type-dataset-namespace), as its index in kibana.alert.ancestors.</summary>
    public string Index =>
        _source.DataStream is { Type: { } type, Dataset: { } dataset, Namespace: { } ns } ? $"{type}-{dataset}-{ns}" : string.Empty;
}

/// <summary>
/// Writes events to JSON for capture with one reused <see cref="EventWriter"/> and buffer, so a capture costs the
/// JSON array itself and little else. One per detector (single-threaded).
/// </summary>
internal sealed class EventCaptureWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly EventWriter _writer;

    public EventCaptureWriter() => _writer = new EventWriter(_buffer, leaveOpen: true);

    public CapturedEvent Capture(EcsEvent e)
    {
        _buffer.SetLength(0);
        _writer.Write(e);
        // EventWriter ends the line with a newline; the capture is the object alone (as EventWriter.ToJson).
        var json = _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length - 1).ToArray();
        return CapturedEvent.FromWriterOutput(json);
    }
}
