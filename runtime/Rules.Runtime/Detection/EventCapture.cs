using Rules.Runtime.Reading;
using System.IO;
using System.Linq;
using System.Text;

namespace Rules.Runtime;

/// <summary>
/// One event as the alerts raised on it see it: its JSON form and a snapshot the alerts own, each made at most once
/// however many rules match (the reader reuses its event object). Built only for events that matched.
/// </summary>
internal sealed class EventCapture
{
    private readonly EcsEvent _source;
    private string? _json;
    private EcsEvent? _snapshot;
    private string? _id;

    public EventCapture(EcsEvent source) => _source = source;

    public EcsEvent Source => _source;

    public string Json => _json ??= EventWriter.ToJson(_source);

    public EcsEvent Snapshot => _snapshot ??= Parse(Json);

    /// <summary>The event's id in kibana.alert.ancestors: a hash of its content (NDJSON events carry no _id).</summary>
    public string Id => _id ??= AlertIds.Hash("event", Json);

    /// <summary>The data stream the event names (type-dataset-namespace), as its index in kibana.alert.ancestors.</summary>
    public string Index =>
        _source.DataStream is { Type: { } type, Dataset: { } dataset, Namespace: { } ns } ? $"{type}-{dataset}-{ns}" : string.Empty;

    public static EcsEvent Parse(string json)
    {
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), new EventReaderOptions { ReuseEvent = false });
        return reader.ReadEvents().Single();
    }
}
