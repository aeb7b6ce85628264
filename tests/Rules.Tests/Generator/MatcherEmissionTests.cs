using Rules.Runtime;
using Rules.Runtime.Matching;

namespace Rules.Tests.Generator;

/// <summary>
/// The compiled forms of string lists and text words (WildcardSet, TextTerms) in generated matchers: emitted where
/// a leaf tests one field against a list, and giving the answers of the tests they replace.
/// </summary>
public class MatcherEmissionTests
{
    private static EcsEvent Process(string? executable, string? name = null, params string[] args) => new()
    {
        Event = new() { Category = new[] { "process" }, Type = new[] { "start" } },
        Process = new() { Executable = executable, Name = name, Args = args },
    };

    private static readonly string[] Executables =
    {
        "C:\\PerfLogs\\a.exe", "c:\\perflogs\\A.EXE", "C:\\PerfLogs\\a.dll", "D:\\Users\\Public\\x\\y.exe", "C:\\Windows\\mshta.exe",
        "C:\\Windows\\MSHTA.EXE.bak", "C:\\Tools\\Temp\\run.exe", "C:\\x.exe", "c:\\X.EXE", "C:\\xy.exe", "runner", "", "C:\\\u212Aperflogs\\a.exe",
    };

    [Fact]
    public void Eql_list_of_mixed_kinds_becomes_one_wildcard_set_and_matches_like_each_pattern()
    {
        // Wildcards with '?', a suffix, a substring, an exact value and a prefix: EQL lowers them to one test per
        // kind; the emitter joins them into one list.
        string[] patterns = { "?:\\PerfLogs\\*.exe", "?:\\Users\\Public\\*.exe", "*\\mshta.exe", "*\\temp\\*", "C:\\x.exe", "runn*" };
        var query = "process where process.executable : (" + string.Join(", ", patterns.Select(p => "\"" + p.Replace("\\", "\\\\") + "\"")) + ")";
        var set = CompiledRuleSet.Compile(CompiledRuleSet.Rule(query));
        var source = set.Run.Source("TestRule.");
        Assert.Contains("global::Rules.Runtime.Matching.WildcardSet", source, StringComparison.Ordinal);
        Assert.Contains("ProcessExecutableMatchesOneOf6PatternsAnyCase(e)", source, StringComparison.Ordinal);

        var rule = set.Single();
        foreach (var executable in Executables)
        {
            var expected = patterns.Any(p => new WildcardPattern(p, ignoreCase: true).IsMatch(executable));
            Assert.True(expected == rule.Matches(Process(executable)), executable);
        }

        Assert.False(rule.Matches(Process(null)));
    }

    [Fact]
    public void Eql_like_list_is_case_sensitive()
    {
        string[] patterns = { "?:\\PerfLogs\\*.exe", "*\\mshta.exe", "*\\Temp\\*", "C:\\x.exe" };
        var query = "process where process.executable like (" + string.Join(", ", patterns.Select(p => "\"" + p.Replace("\\", "\\\\") + "\"")) + ")";
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule(query)).Single();
        foreach (var executable in Executables)
        {
            var expected = patterns.Any(p => new WildcardPattern(p, ignoreCase: false).IsMatch(executable));
            Assert.True(expected == rule.Matches(Process(executable)), executable);
        }
    }

    [Fact]
    public void Kql_values_on_a_keyword_field_join_into_one_list_and_stay_case_sensitive()
    {
        var set = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process.name:(cmd.exe or power*.exe or *.scr or pwsh.exe or a\\*b)", language: "kuery"));
        var source = set.Run.Source("TestRule.");
        Assert.Contains("global::Rules.Runtime.Matching.WildcardSet", source, StringComparison.Ordinal);
        var rule = set.Single();
        Assert.True(rule.Matches(Process(null, "cmd.exe")));
        Assert.True(rule.Matches(Process(null, "powershell.exe")));
        Assert.True(rule.Matches(Process(null, "x.scr")));
        Assert.True(rule.Matches(Process(null, "a*b"))); // an escaped star is a literal value, kept apart from the list
        Assert.False(rule.Matches(Process(null, "axb")));
        Assert.False(rule.Matches(Process(null, "CMD.EXE")));
        Assert.False(rule.Matches(Process(null, "PowerShell.exe")));
        Assert.False(rule.Matches(Process(null)));
    }

    [Fact]
    public void Multi_valued_field_list_holds_when_any_element_matches_any_pattern()
    {
        var rule = CompiledRuleSet.Compile(CompiledRuleSet.Rule("process where process.args : (\"-enc*\", \"*bypass*\", \"hidden\", \"*.ps1\")")).Single();
        Assert.True(rule.Matches(Process(null, "p", "-nop", "-ENCodedCommand", "x")));
        Assert.True(rule.Matches(Process(null, "p", "a", "run.PS1")));
        Assert.True(rule.Matches(Process(null, "p", "Hidden")));
        Assert.False(rule.Matches(Process(null, "p", "hidden2", "-e")));
        Assert.False(rule.Matches(Process(null, "p")));
    }

    [Fact]
    public void Kql_text_words_use_compiled_terms()
    {
        var set = CompiledRuleSet.Compile(CompiledRuleSet.Rule(
            "powershell.file.script_block_text:(VirtualAlloc or OpenProcess) and powershell.file.script_block_text:(CreateRemoteThread or QueueUserAPC) and powershell.file.script_block_text:\"Invoke Mimikatz\"",
            language: "kuery"));
        var source = set.Run.Source("TestRule.");
        Assert.Contains("global::Rules.Runtime.Matching.TextTerms", source, StringComparison.Ordinal);
        Assert.DoesNotContain("TextAnalysis.", source, StringComparison.Ordinal);
        var rule = set.Single();
        Assert.True(rule.Matches(Script("[K32]::VirtualAlloc(0); [K32]::CreateRemoteThread(0); invoke-MIMIKATZ")));
        Assert.True(rule.Matches(Script("\u212Aernel::OpenProcess(); QueueUserAPC; Invoke Mimikatz")));
        Assert.False(rule.Matches(Script("VirtualAllocation; CreateRemoteThreads; Invoke Mimikatz")));
        Assert.False(rule.Matches(Script("VirtualAlloc; CreateRemoteThread; Mimikatz Invoke")));
        Assert.False(rule.Matches(Script("")));
        Assert.False(rule.Matches(new EcsEvent()));
    }

    [Fact]
    public void Kql_phrases_and_words_on_one_text_field_become_one_phrase_search()
    {
        var set = CompiledRuleSet.Compile(CompiledRuleSet.Rule(
            "powershell.file.script_block_text:(\"Invoke Mimikatz\" or \"sekurlsa::logonpasswords\" or \"Dump Creds\" or IEX or DownloadString)",
            language: "kuery"));
        var source = set.Run.Source("TestRule.");
        Assert.Contains("global::Rules.Runtime.Matching.TextPhrases", source, StringComparison.Ordinal);
        Assert.Contains("PowershellFileScriptBlockTextHasOneOf5Phrases(e)", source, StringComparison.Ordinal);
        var rule = set.Single();
        Assert.True(rule.Matches(Script("PS> invoke-MIMIKATZ -x")));
        Assert.True(rule.Matches(Script("mimikatz # sekurlsa::logonpasswords")));
        Assert.True(rule.Matches(Script("(New-Object Net.WebClient).DownloadString('http://x')")));
        Assert.True(rule.Matches(Script("iex $payload")));
        Assert.True(rule.Matches(Script("\u00e9t\u00e9; dump CREDS")));
        Assert.False(rule.Matches(Script("Invoke x Mimikatz; DumpCreds; IEXPLORE; sekurlsa")));
        Assert.False(rule.Matches(new EcsEvent()));
    }

    [Fact]
    public void PowerShell_seed_matcher_matches_the_committed_snapshot()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.SeedRules());
        Snapshot.AssertMatches("PotentialProcessInjectionViaPowerShell.g.cs.txt", run.Source("PotentialProcessInjectionViaPowerShell."));
    }

    private static EcsEvent Script(string text)
    {
        var e = new EcsEvent();
        e.Overflow.Set("powershell.file.script_block_text", text);
        return e;
    }
}
