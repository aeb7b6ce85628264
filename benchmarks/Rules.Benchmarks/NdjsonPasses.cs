using System.Collections.Generic;
using System.IO;
using Rules.Runtime;
using Rules.Runtime.Reading;

namespace Rules.Benchmarks;

/// <summary>One pass of a new reader over NDJSON bytes into its reused event, alone or followed by matching: the
/// reading benchmarks and the corpus benchmark's stream measurements share them.</summary>
public static class NdjsonPasses
{
    /// <summary>Reads every document; returns how many had an <c>event</c> object (so the reading is not dead code).</summary>
    public static long Read(byte[] ndjson)
    {
        using var reader = new EventReader(new MemoryStream(ndjson, writable: false));
        long count = 0;
        foreach (var e in reader.ReadEvents())
        {
            count += e.Event is null ? 0 : 1;
        }

        return count;
    }

    /// <summary>Reads every document and matches it; returns the number of matches.</summary>
    public static long ReadAndMatch(byte[] ndjson, RuleEngine engine, List<EventRule> matches)
    {
        using var reader = new EventReader(new MemoryStream(ndjson, writable: false));
        long matched = 0;
        foreach (var e in reader.ReadEvents())
        {
            matches.Clear();
            engine.Match(e, matches);
            matched += matches.Count;
        }

        return matched;
    }
}
