using System.Text.RegularExpressions;
using Rules.Language.Eql;

namespace Rules.Tests.Eql;

public class LuceneRegexTests
{
    private static Regex Compile(string lucene, bool ignoreCase = false)
    {
        var pattern = LuceneRegex.Translate(lucene, out var error);
        Assert.True(pattern is not null, error);
        var options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        return new Regex(pattern!, options);
    }

    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "xabc", false)]
    [InlineData("abc", "abcx", false)]
    [InlineData("abc", "abc\n", false)]
    [InlineData("a.c", "a\nc", true)]
    [InlineData("ab*c", "abbbc", true)]
    [InlineData("ab+c", "ac", false)]
    [InlineData("ab?c", "ac", true)]
    [InlineData("a{2}", "aa", true)]
    [InlineData("a{2,}", "aaaa", true)]
    [InlineData("a{2,3}", "aaaa", false)]
    [InlineData("(ab)+", "ababab", true)]
    [InlineData("ab|cd", "cd", true)]
    [InlineData("[a-c]+", "abcabc", true)]
    [InlineData("[^a-c]", "d", true)]
    [InlineData("[^a-c]", "a", false)]
    [InlineData("[]a]", "]", true)]
    [InlineData("[a-]", "-", true)]
    [InlineData(@"\d+", "123", true)]
    [InlineData(@"\d+", "١٢", false)]
    [InlineData(@"\w+\s\W", "ab_1 !", true)]
    [InlineData(@"\.", ".", true)]
    [InlineData(@"\.", "x", false)]
    [InlineData("\"a.b*\"", "a.b*", true)]
    [InlineData("\"a.b*\"", "axb", false)]
    [InlineData("@", "anything at all", true)]
    [InlineData("#", "", false)]
    [InlineData("a()b", "ab", true)]
    [InlineData("<1-10>", "7", true)]
    [InlineData("<1-10>", "007", true)]
    [InlineData("<1-10>", "11", false)]
    [InlineData("<01-10>", "07", true)]
    [InlineData("<01-10>", "7", false)]
    [InlineData("a~b", "a~b", true)]
    [InlineData("^a$", "^a$", true)]
    [InlineData("*a", "*a", true)]
    [InlineData(@".*\.(top|xyz)", "evil.example.xyz", true)]
    [InlineData(@".*\.(top|xyz)", "evil.example.com", false)]
    public void Translates_with_lucene_meaning(string lucene, string input, bool expected) =>
        Assert.Equal(expected, Compile(lucene).IsMatch(input));

    [Fact]
    public void Case_insensitive_option_applies() => Assert.Matches(Compile("cmd\\.exe", ignoreCase: true), "CMD.EXE");

    [Theory]
    [InlineData("a&b", "intersection")]
    [InlineData("(ab", "')'")]
    [InlineData("ab)", "unbalanced")]
    [InlineData("[ab", "']'")]
    [InlineData("a{x}", "integer expected")]
    [InlineData("a{3,1}", "maximum below")]
    [InlineData("\"ab", "quoted")]
    [InlineData("a\\", "backslash")]
    [InlineData("<1-x>", "interval")]
    [InlineData("<1-5000>", "spans more than")]
    [InlineData("[z-a]", "range")]
    public void Untranslatable_or_invalid_patterns_are_rejected(string lucene, string messagePart)
    {
        Assert.Null(LuceneRegex.Translate(lucene, out var error));
        Assert.Contains(messagePart, error);
    }

    [Fact]
    public void Every_corpus_regex_translates_to_a_non_backtracking_regex()
    {
        var count = 0;
        foreach (var rule in EqlCorpus.Load())
        {
            var parsed = EqlParser.Parse(rule.Source).Query!;
            foreach (var pattern in Patterns(parsed))
            {
                count++;
                Compile(pattern);
            }
        }

        Assert.True(count > 10, "expected regex patterns in the corpus, found " + count);
    }

    private static IEnumerable<string> Patterns(EqlNode node)
    {
        switch (node)
        {
            case EqlQuery query:
                return Patterns(query.Body);
            case EqlEventQuery eventQuery:
                return Patterns(eventQuery.Filter.Condition);
            case EqlSequence sequence:
                return sequence.Stages.SelectMany(s => Patterns(s.Filter.Condition)).Concat(sequence.Until is null ? Enumerable.Empty<string>() : Patterns(sequence.Until.Filter.Condition));
            case EqlSample sample:
                return sample.Stages.SelectMany(s => Patterns(s.Filter.Condition));
            case EqlPatternMatch { Kind: EqlPatternKind.Regex } match:
                return match.Patterns.Select(p => p.Text!);
            case EqlLogical logical:
                return Patterns(logical.Left).Concat(Patterns(logical.Right));
            case EqlNot not:
                return Patterns(not.Operand);
            default:
                return Enumerable.Empty<string>();
        }
    }
}
