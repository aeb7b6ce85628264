using System.Text;
using Rules.Language.Eql;
using Rules.Language.Ir;
using Rules.Runtime;
using Rules.Runtime.Reading;
using Rules.Tests.Generator;
using static Rules.Tests.Kql.KqlTestCatalog;

namespace Rules.Tests.Kql;

/// <summary>
/// A KQL wildcard whose literal text holds <c>?</c> (literal in KQL) or an escaped <c>*</c> is compiled to a regex: it
/// must match the whole value, as Elasticsearch's wildcard query does, not anywhere inside it.
/// </summary>
public class KqlLiteralWildcardCharacterTests
{
    private static readonly Lazy<CompiledRuleSet> CompiledRules = new(() => CompiledRuleSet.Compile(
        CompiledRuleSet.Rule("process.name:a?*b", language: "kuery", name: "QuestionMark"),
        CompiledRuleSet.Rule("process.name:*x\\*y*z", language: "kuery", name: "EscapedStar")));

    private static EventRule Rule(string name) => (EventRule)CompiledRules.Value.Rules.Single(r => r.Metadata.Name == name);

    private static EcsEvent Process(string name)
    {
        var json = "{\"process\":{\"name\":" + System.Text.Json.JsonSerializer.Serialize(name) + "}}\n";
        using var reader = new EventReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), new EventReaderOptions { ReuseEvent = false });
        return Assert.Single(reader.ReadEvents());
    }

    [Fact]
    public void The_regex_in_the_IR_is_the_anchored_translation() =>
        Assert.Equal(Str("process.name", StringMatchKind.Regex, LuceneRegex.Translate("a\\?.*b", out _)!), Compile("process.name:a?*b"));

    [Theory]
    [InlineData("QuestionMark", "a?b", true)]
    [InlineData("QuestionMark", "a?zzb", true)]
    [InlineData("QuestionMark", "xa?zb", false)]
    [InlineData("QuestionMark", "a?zbq", false)]
    [InlineData("QuestionMark", "azb", false)]
    [InlineData("QuestionMark", "A?zb", false)]
    [InlineData("QuestionMark", "a?\nb", true)]
    [InlineData("EscapedStar", "x*yz", true)]
    [InlineData("EscapedStar", "qqx*y..z", true)]
    [InlineData("EscapedStar", "x*yzq", false)]
    [InlineData("EscapedStar", "xAyz", false)]
    public void Matches_the_whole_value(string rule, string processName, bool expected) =>
        Assert.Equal(expected, Rule(rule).MatchesCondition(Process(processName)));

    [Fact]
    public void Regex_characters_in_the_literal_stay_literal()
    {
        // '?' makes it a regex; the others are Lucene (and .NET) operators that KQL takes literally.
        var match = Compile("process.name:a.?+|[]#@&~$^*b");
        var pattern = Assert.IsType<StringMatchExpr>(match).Patterns.Single();
        var regex = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.NonBacktracking);
        Assert.Matches(regex, "a.?+|[]#@&~$^ZZb");
        Assert.DoesNotMatch(regex, "aX?+|[]#@&~$^ZZb");
        Assert.DoesNotMatch(regex, "a.?+|[]#@&~$^ZZbq");
        Assert.DoesNotMatch(regex, "qa.?+|[]#@&~$^ZZb");
    }
}
