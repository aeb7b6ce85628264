using Rules.Runtime;

namespace Rules.Tests.Generator;

/// <summary>The emitter's code for each IR node, run on events: the checks the seeds do not exercise.</summary>
public class EmittedSemanticsTests
{
    private static EcsEvent Process(string name, params string[] args) => new()
    {
        Event = new() { Category = new[] { "process" }, Type = new[] { "start" } },
        Process = new() { Name = name, Args = args, Pid = 4242 },
    };

    [Fact]
    public void Numbers_compare_as_numbers()
    {
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where process.pid > 1000 and process.pid <= 4242")).Single();
        Assert.True(rule.Matches(Process("a.exe")));
        var other = Process("a.exe");
        other.Process!.Pid = 999;
        Assert.False(rule.Matches(other));
        other.Process.Pid = null;
        Assert.False(rule.Matches(other));
    }

    [Fact]
    public void Array_field_holds_when_any_element_matches_and_wildcards_are_case_insensitive_with_colon()
    {
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where process.args : \"*\\\\temp\\\\*.ps1\"")).Single();
        Assert.True(rule.Matches(Process("powershell.exe", "-File", "C:\\Users\\x\\AppData\\Local\\TEMP\\run.PS1")));
        Assert.False(rule.Matches(Process("powershell.exe", "-File", "C:\\scripts\\run.ps1")));
        Assert.False(rule.Matches(Process("powershell.exe")));
    }

    [Fact]
    public void Overflow_fields_are_read_without_hashing_and_typed()
    {
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("any where winlog.event_id == \"4688\"")).Single();
        var e = new EcsEvent();
        e.Overflow.Set("winlog.event_id", "4688");
        Assert.True(rule.Matches(e));
        e.Overflow.Set("winlog.event_id", "4624");
        Assert.False(rule.Matches(e));
    }

    [Fact]
    public void Optional_field_no_schema_knows_is_always_null()
    {
        // Elasticsearch sees only mapped fields: an optional field missing from the mapping is null in every event,
        // whatever the source document carries (docs/eql.md). The schema plays the mapping's part here.
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where ?acme.unknown.flag == null and process.name == \"a.exe\"")).Single();
        Assert.True(rule.Matches(Process("a.exe")));
        var e = Process("a.exe");
        e.Overflow.Set("acme.unknown.flag", "x");
        Assert.True(rule.Matches(e));
        Assert.False(rule.Matches(Process("b.exe")));
    }

    [Fact]
    public void Regex_runs_without_backtracking()
    {
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where process.name regex \"(a+)+b\"")).Single();
        Assert.True(rule.Matches(Process("aaab")));
        var evil = Process(new string('a', 50_000) + "c");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(rule.Matches(evil));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "A catastrophic pattern must not backtrack.");
    }

    [Fact]
    public void Kql_text_field_matches_words_and_phrases()
    {
        var rules = CompiledRuleSet.Compile(
            CompiledRuleSet.Rule("message:Invoke-Mimikatz", language: "kuery", name: "Words"),
            CompiledRuleSet.Rule("message:\"dump credentials\"", language: "kuery", name: "Phrase"));
        var words = (EventRule)rules.Rules.Single(r => r.Metadata.Name == "Words");
        var phrase = (EventRule)rules.Rules.Single(r => r.Metadata.Name == "Phrase");

        var e = new EcsEvent { Message = "PS> invoke-mimikatz -Command 'privilege::debug' to Dump Credentials" };
        Assert.True(words.Matches(e));
        Assert.True(phrase.Matches(e));
        e.Message = "credentials dump";
        Assert.False(words.Matches(e));
        Assert.False(phrase.Matches(e));
    }

    [Fact]
    public void Ip_fields_match_cidr_ranges()
    {
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("network where cidrMatch(destination.ip, \"10.0.0.0/8\", \"fd00::/8\")")).Single();
        var e = new EcsEvent { Event = new() { Category = new[] { "network" } }, Destination = new() { Ip = "10.1.2.3" } };
        Assert.True(rule.Matches(e));
        e.Destination.Ip = "fd12::1";
        Assert.True(rule.Matches(e));
        e.Destination.Ip = "192.168.1.1";
        Assert.False(rule.Matches(e));
    }

    [Fact]
    public void Functions_run_on_the_event()
    {
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where length(process.name) == 5 and startsWith~(process.name, \"CMD\")")).Single();
        Assert.True(rule.Matches(Process("cmd.x")));
        Assert.False(rule.Matches(Process("cmd.exe")));
    }

    [Fact]
    public void Caseless_multi_fields_compare_like_their_lowercase_normalizer()
    {
        // Elastic Defend's process.name.caseless has a lowercase normalizer: Elasticsearch lowercases both the
        // indexed value and the query's term, so == on it ignores case.
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where process.name.caseless == \"CMD.EXE\"")).Single();
        var e = Process("Cmd.Exe");
        e.Overflow.Set("process.name.caseless", "cmd.exe");
        Assert.True(rule.Matches(e));
        e.Overflow.Set("process.name.caseless", "powershell.exe");
        Assert.False(rule.Matches(e));
    }
}
