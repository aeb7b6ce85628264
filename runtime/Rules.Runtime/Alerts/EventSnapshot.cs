using Rules.Runtime.Reading;
using System.IO;
using System.Linq;
using System.Text;

namespace Rules.Runtime;

/// <summary>
/// Copies an event through its JSON form, so an alert owns an event the reader will not overwrite. Runs only for
/// events that raised an alert, never on the matching path.
/// </summary>
public static class EventSnapshot
{
    public static EcsEvent Copy(EcsEvent e)
    {
        var json = EventWriter.ToJson(e);
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), new EventReaderOptions { ReuseEvent = false });
        return reader.ReadEvents().Single();
    }
}
