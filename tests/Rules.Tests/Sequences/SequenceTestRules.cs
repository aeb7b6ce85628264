using Rules.Runtime;
using Rules.Runtime.Sequences;
using Rules.Tests.Generator;

namespace Rules.Tests.Sequences;

/// <summary>
/// The sequence and sample rules the tests run, compiled once (generator, C# compiler, loaded assembly), and small
/// helpers to build events and drive an engine.
/// </summary>
internal static class SequenceTestRules
{
    private static readonly Lazy<CompiledRuleSet> Set = new(() => CompiledRuleSet.Compile(
        Rule("Ordered", """
            sequence by process.entity_id
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
            """),
        Rule("Unkeyed", """
            sequence
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
            """),
        Rule("MaxSpan", """
            sequence by process.entity_id with maxspan=5s
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
            """),
        Rule("Until", """
            sequence by process.entity_id
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
            until [process where event.type == "end"]
            """),
        Rule("Runs", """
            sequence by user.name
              [authentication where event.outcome == "failure"] with runs=3
              [authentication where event.outcome == "success"]
            """),
        Rule("MissingMiddle", """
            sequence by host.name with maxspan=10s
              [process where process.name == "a.exe"]
             ![process where process.name == "m.exe"]
              [process where process.name == "b.exe"]
            """),
        Rule("MissingFirst", """
            sequence by host.name with maxspan=10s
             ![process where process.name == "m.exe"]
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
            """),
        Rule("MissingLast", """
            sequence by host.name with maxspan=10s
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
             ![process where process.name == "m.exe"]
            """),
        Rule("StageKeys", """
            sequence by host.name
              [process where process.name == "parent.exe"] by process.entity_id
              [process where process.name == "child.exe"] by process.parent.entity_id
            """),
        Rule("OptionalKey", """
            sequence by ?process.entity_id, process.pid
              [process where process.name == "a.exe"]
              [file where true]
            """),
        Rule("Sample", """
            sample by host.name
              [process where process.name == "a.exe"]
              [network where destination.port == 443]
            """),
        Rule("Head", """
            sequence by process.entity_id
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
            | head 1
            """),
        Rule("Tail", """
            sequence by process.entity_id
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
            | tail 1
            """),
        Rule("NumericKey", """
            sequence by process.pid
              [process where process.name == "a.exe"]
              [process where process.name == "b.exe"]
            """)));

    public static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<CompiledRule> All => Set.Value.Rules;

    public static GeneratorRun Run => Set.Value.Run;

    public static SequenceRule Get(string name) => (SequenceRule)All.Single(r => r.Metadata.Name == name);

    private static InMemoryRuleFile Rule(string name, string query) => CompiledRuleSet.Rule(query, name: name);

    /// <summary>An event at <paramref name="milliseconds"/> after <see cref="T0"/> with the category and fields.</summary>
    public static EcsEvent Event(long milliseconds, string category, params (string Path, object Value)[] fields)
    {
        var e = new EcsEvent { Timestamp = T0.AddMilliseconds(milliseconds) };
        e.Set("event.category", new[] { category });
        foreach (var (path, value) in fields)
        {
            switch (value)
            {
                case string text:
                    e.Set(path, text);
                    break;
                case long number:
                    e.Set(path, number);
                    break;
                case int number:
                    e.Set(path, (long)number);
                    break;
                default:
                    throw new ArgumentException("Unsupported test value " + value);
            }
        }

        return e;
    }

    public static EcsEvent Process(long milliseconds, string name, string entityId = "p1", string host = "h1") =>
        Event(milliseconds, "process", ("process.name", name), ("process.entity_id", entityId), ("host.name", host));

    /// <summary>Runs the events through a fresh engine holding only <paramref name="rule"/>; returns every match,
    /// end of stream included.</summary>
    public static (List<SequenceMatch> Matches, SequenceEngine Engine) Run1(string rule, IEnumerable<EcsEvent> events, SequenceEngineOptions? options = null, bool complete = true)
    {
        var engine = new SequenceEngine(new CompiledRule[] { Get(rule) }, options);
        var matches = new List<SequenceMatch>();
        foreach (var e in events)
        {
            engine.Process(e, matches);
        }

        if (complete)
        {
            engine.Complete(matches);
        }

        return (matches, engine);
    }

    public static string Names(SequenceMatch match) => string.Join(",", match.Events.Select(e => e.Process?.Name ?? e.Event?.Outcome ?? "?"));
}
