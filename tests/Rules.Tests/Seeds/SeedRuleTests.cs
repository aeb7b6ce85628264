using Rules.Runtime.Reading;
using Rules.Runtime;

namespace Rules.Tests.Seeds;

/// <summary>
/// The five seed rules, compiled by the generator into the bundled rules project, against the bundled sample
/// events: every event is named (event.id) for what it should do, and the table below says which rule must alert.
/// </summary>
public class SeedRuleTests
{
    private const string WmiPersistence = "70d12c9c-0dbd-4a1a-bc44-1467502c9cf6";
    private const string CriticalProcessExecutable = "e94262f2-c1e9-4d3f-a907-aeab16712e1a";
    private const string WuaucltImageLoad = "edf8ee23-5ea7-4123-ba19-56b41e424ae3";
    private const string PowerShellInjection = "2e29e96a-b67c-455a-afe4-de6183431d0d";
    private const string AmsiEnable = "f874315d-5188-4b4a-8521-d1c73093a7e4";

    public static TheoryData<string, string?> Expectations => new()
    {
        // Persistence via WMI Standard Registry Provider
        { "wmi-run-key-hklm", WmiPersistence },
        { "wmi-service-imagepath", WmiPersistence },
        { "near-miss-run-key-by-reg-exe", null },
        { "near-miss-wmi-unlisted-path", null },
        { "near-miss-wmi-run-key-no-data", null },
        { "near-miss-wmi-run-key-os-type-case", null },
        // Unusual Executable File Creation by a System Critical Process
        { "lsass-writes-dll", CriticalProcessExecutable },
        { "logonui-overwrites-exe", CriticalProcessExecutable },
        { "near-miss-lsass-deletes-dll", null },
        { "near-miss-explorer-writes-exe", null },
        { "near-miss-services-writes-log", null },
        // ImageLoad via Windows Update Auto Update Client
        { "wuauclt-loads-user-dll", WuaucltImageLoad },
        { "renamed-wuauclt-loads-programdata-dll", WuaucltImageLoad },
        { "near-miss-wuauclt-normal-scan", null },
        { "near-miss-wuauclt-dll-outside-list", null },
        { "near-miss-renamed-wuauclt-original-name-case", null },
        // Potential Process Injection via PowerShell
        { "posh-virtualalloc-createremotethread", PowerShellInjection },
        { "posh-getprocaddress-delegate-as-system", PowerShellInjection },
        { "near-miss-posh-only-allocation", null },
        { "near-miss-posh-similar-words", null },
        { "near-miss-posh-defender-sensecm", null },
        { "near-miss-posh-not-process-category", null },
        // AmsiEnable Registry Key Modification
        { "amsienable-set-to-zero", AmsiEnable },
        { "amsienable-lowercase-hex-zero", AmsiEnable },
        { "near-miss-amsienable-set-to-one", null },
        { "near-miss-amsienable-created", null },
        { "near-miss-amsienabled-other-value", null },
        // Unrelated traffic, written with dotted keys
        { "noise-network-dotted-keys", null },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Each_sample_event_raises_exactly_the_expected_alert(string eventId, string? expectedRuleId)
    {
        var e = SampleEvents.Load().Single(x => x.Event?.Id == eventId);
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var matches = new List<EventRule>();

        engine.Match(e, matches);

        Assert.Equal(expectedRuleId is null ? Array.Empty<string>() : new[] { expectedRuleId }, matches.Select(r => r.Metadata.RuleId));
        // The matcher alone (with its own category test) agrees with the engine's dispatch.
        foreach (var rule in Rules.Generated.DetectionRuleCatalog.All.Cast<EventRule>())
        {
            Assert.Equal(rule.Metadata.RuleId == expectedRuleId, rule.Matches(e));
        }
    }

    [Fact]
    public void Every_sample_event_is_in_the_table_and_every_rule_has_two_positives_and_two_near_misses()
    {
        var ids = SampleEvents.Load().Select(e => e.Event?.Id).ToList();
        var table = Expectations.Select(row => (string)row[0]).ToList();
        Assert.Equal(table.OrderBy(x => x), ids.OrderBy(x => x));

        var positives = Expectations.Where(row => row[1] is not null).GroupBy(row => (string)row[1]!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, positives.Count);
        Assert.All(positives.Values, count => Assert.True(count >= 2));
        Assert.True(Expectations.Count(row => row[1] is null) >= 10);
    }

    [Fact]
    public void Catalog_carries_the_seed_metadata()
    {
        var rules = Rules.Generated.DetectionRuleCatalog.All.ToDictionary(r => r.Metadata.RuleId);
        Assert.Equal(5, rules.Count);

        var wmi = rules[WmiPersistence].Metadata;
        Assert.Equal("Persistence via WMI Standard Registry Provider", wmi.Name);
        Assert.Equal("high", wmi.Severity);
        Assert.Equal(73, wmi.RiskScore);
        Assert.Equal("eql", wmi.Type);
        Assert.Contains("Tactic: Persistence", wmi.Tags);
        var persistence = wmi.Threat.Single(t => t.Tactic.Id == "TA0003");
        Assert.Equal(new[] { "T1543", "T1547" }, persistence.Techniques.Select(t => t.Technique.Id));
        Assert.Equal("T1547.001", persistence.Techniques[1].Subtechniques.Single().Id);

        var posh = rules[PowerShellInjection].Metadata;
        Assert.Equal(("query", "kuery", "medium", 47), (posh.Type, posh.Language, posh.Severity, posh.RiskScore));
        Assert.Equal(new[] { "T1055.001", "T1055.002" }, posh.Threat[0].Techniques[0].Subtechniques.Select(s => s.Id));

        var amsi = rules[AmsiEnable].Metadata;
        Assert.EndsWith(".yml", amsi.SourceFile, StringComparison.Ordinal);
        Assert.Equal(312, amsi.Version);
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var events = SampleEvents.Load().ToArray();
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var matches = new List<EventRule>(16);
        var rules = Rules.Generated.DetectionRuleCatalog.All.Cast<EventRule>().ToArray();

        void MatchAll()
        {
            foreach (var e in events)
            {
                matches.Clear();
                engine.Match(e, matches);
                foreach (var rule in rules)
                {
                    rule.Matches(e);
                }
            }
        }

        MatchAll(); // first calls run static initialisers (patterns, sets, field handles)
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            MatchAll();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}

/// <summary>The bundled sample events (rules/samples/events.ndjson), each read into its own event object.</summary>
internal static class SampleEvents
{
    private static readonly Lazy<IReadOnlyList<EcsEvent>> Events = new(() =>
    {
        var path = Path.Combine(TestPaths.RepoRoot, "rules", "samples", "events.ndjson");
        using var reader = EventReader.Open(path, new EventReaderOptions { ReuseEvent = false });
        var events = reader.ReadEvents().ToList();
        Assert.Equal(0, reader.Statistics.BadLines);
        return events;
    });

    public static IReadOnlyList<EcsEvent> Load() => Events.Value;
}
