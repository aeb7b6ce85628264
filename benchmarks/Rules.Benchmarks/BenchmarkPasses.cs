using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rules.Runtime;
using Rules.Runtime.Reading;

namespace Rules.Benchmarks;

/// <summary>The passes the benchmarks and stopwatch modes time: reading NDJSON bytes, reading and matching, matching
/// events read ahead, each rule on each event. One definition, so every harness measures the same loop.</summary>
public static class BenchmarkPasses
{
    /// <summary>Reads every document with a new reader into its reused event; returns how many had an <c>event</c>
    /// object (so the reading is not dead code).</summary>
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

    /// <summary>Every document read into its own event, for passes over events already in memory.</summary>
    public static EcsEvent[] ReadAhead(byte[] ndjson)
    {
        using var reader = new EventReader(new MemoryStream(ndjson, writable: false), new EventReaderOptions { ReuseEvent = false });
        return reader.ReadEvents().ToArray();
    }

    /// <summary>Matches each event <paramref name="times"/> times in a row through the engine; returns the number of
    /// matches.</summary>
    public static int MatchAll(EcsEvent[] events, RuleEngine engine, List<EventRule> matches, int times = 1)
    {
        var matched = 0;
        foreach (var e in events)
        {
            for (var k = 0; k < times; k++)
            {
                matches.Clear();
                engine.Match(e, matches);
                matched += matches.Count;
            }
        }

        return matched;
    }

    /// <summary>Every rule's own Matches (its category test included, no dispatch) on every event; returns the
    /// number of matches.</summary>
    public static int MatchEachRule(EcsEvent[] events, EventRule[] rules)
    {
        var matched = 0;
        foreach (var e in events)
        {
            foreach (var rule in rules)
            {
                if (rule.Matches(e))
                {
                    matched++;
                }
            }
        }

        return matched;
    }
}
