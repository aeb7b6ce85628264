using Rules.Runtime;
using Rules.Runtime.Sequences;
using static Rules.Tests.Sequences.SequenceTestRules;

namespace Rules.Tests.Sequences;

/// <summary>
/// SequenceEngineOptions.MaxSamplesPerKey (Elasticsearch's max_samples_per_key): up to N samples per key, each a
/// combination of distinct events from the first stages + N - 1 events of each stage (docs/sequences.md, "Sample
/// semantics"). The spec suite's test_sample_multi.toml runs it end to end (docs/conformance.md).
/// </summary>
public class SampleSamplesPerKeyTests
{
    private static readonly EcsEventFactory[] Stream =
    {
        new(0, "process", "a.exe", 0, "h1"),  // stage 1, candidate 1
        new(1, "process", "a.exe", 0, "h1"),  // stage 1, candidate 2
        new(2, "network", null, 443, "h1"),   // stage 2: completes [a0, n2] and [a1, n2]
        new(3, "process", "a.exe", 0, "h1"),  // stage 1, candidate 3: completes [a3, n2] when N >= 3
        new(4, "process", "a.exe", 0, "h1"),  // beyond stages + N - 1 = 3 candidates for N = 2: ignored
        new(5, "network", null, 443, "h2"),
    };

    [Fact]
    public void Two_samples_per_key_combine_distinct_events()
    {
        var (matches, engine) = Run1("Sample", Stream.Select(f => f.Create()), new SequenceEngineOptions { MaxSamplesPerKey = 2 });
        Assert.Equal(new[] { "0,2", "1,2" }, matches.Select(Times));
        Assert.All(matches, m => Assert.Equal(new string?[] { "h1" }, m.JoinKeys));
        Assert.Equal(2, engine.Statistics.SamplesCompleted);
        Assert.Equal(1, engine.Statistics.PartialsAlive); // h2 still waits for its process event
    }

    [Fact]
    public void More_samples_than_combinations_returns_every_combination()
    {
        var (matches, _) = Run1("Sample", Stream.Select(f => f.Create()), new SequenceEngineOptions { MaxSamplesPerKey = 10 });
        Assert.Equal(new[] { "0,2", "1,2", "3,2", "4,2" }, matches.Select(Times));
    }

    [Fact]
    public void One_sample_per_key_is_the_default()
    {
        var (matches, engine) = Run1("Sample", Stream.Select(f => f.Create()));
        Assert.Equal(new[] { "0,2" }, matches.Select(Times));
        Assert.Equal(1, new SequenceEngineOptions().MaxSamplesPerKey);
        Assert.True(engine.Statistics.SampleEventsIgnored > 0);
    }

    [Fact]
    public void Zero_samples_per_key_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceEngine(new CompiledRule[] { Get("Sample") }, new SequenceEngineOptions { MaxSamplesPerKey = 0 }));

    private static string Times(SequenceMatch match) =>
        string.Join(",", match.Events.Select(e => (e.Timestamp!.Value - T0).TotalMilliseconds));

    private sealed record EcsEventFactory(long Milliseconds, string Category, string? Name, int Port, string Host)
    {
        public EcsEvent Create() => Name is null
            ? Event(Milliseconds, Category, ("destination.port", Port), ("host.name", Host))
            : Event(Milliseconds, Category, ("process.name", Name), ("host.name", Host));
    }
}
