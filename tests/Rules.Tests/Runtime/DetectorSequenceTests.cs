using Rules.Runtime;
using Rules.Tests.Generator;

namespace Rules.Tests.Runtime;

/// <summary>EQL sequences through the whole alerting layer: the detector feeds the sequence engine and raises
/// Elastic's sequence alerts (one building block per event plus a shell) when a sequence completes.</summary>
public class DetectorSequenceTests
{
    [Fact]
    public void A_completed_sequence_raises_building_blocks_and_a_shell_alert()
    {
        var rules = CompiledRuleSet.Compile(CompiledRuleSet.Rule(
            "sequence by host.id with maxspan=1m [process where process.name == \"winword.exe\"] [network where destination.port == 443]",
            name: "Word then HTTPS")).Rules;
        var detector = new Detector(rules);
        var alerts = new List<Alert>();
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

        detector.Process(Event(start, "process", "host-1", e => e.Process = new() { Name = "winword.exe" }), alerts);
        detector.Process(Event(start.AddSeconds(5), "network", "host-2", e => e.Destination = new() { Port = 443 }), alerts);
        Assert.Empty(alerts); // other host: no join

        detector.Process(Event(start.AddSeconds(10), "network", "host-1", e => e.Destination = new() { Port = 443 }), alerts);
        detector.Complete(alerts);

        Assert.Equal(3, alerts.Count);
        var groups = alerts.Select(a => a.Group?.Id).Distinct().ToList();
        Assert.Single(groups);
        Assert.NotNull(groups[0]);
        Assert.Equal(new int?[] { 0, 1, null }, alerts.Select(a => a.Group!.Index).OrderBy(i => i ?? int.MaxValue).ToArray());
        Assert.Equal(1, detector.SequenceStatistics!.SequencesCompleted);
    }

    [Fact]
    public void A_sequence_past_its_maxspan_raises_nothing()
    {
        var rules = CompiledRuleSet.Compile(CompiledRuleSet.Rule(
            "sequence by host.id with maxspan=1m [process where process.name == \"winword.exe\"] [network where destination.port == 443]",
            name: "Word then HTTPS late")).Rules;
        var detector = new Detector(rules);
        var alerts = new List<Alert>();
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

        detector.Process(Event(start, "process", "host-1", e => e.Process = new() { Name = "winword.exe" }), alerts);
        detector.Process(Event(start.AddMinutes(2), "network", "host-1", e => e.Destination = new() { Port = 443 }), alerts);
        detector.Complete(alerts);

        Assert.Empty(alerts);
    }

    private static EcsEvent Event(DateTimeOffset time, string category, string host, Action<EcsEvent> fill)
    {
        var e = new EcsEvent { Timestamp = time, Event = new() { Category = new[] { category } }, Host = new() { Id = host } };
        fill(e);
        return e;
    }
}
