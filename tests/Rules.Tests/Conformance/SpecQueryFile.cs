using System.Text.RegularExpressions;
using Rules.Language.Eql;

namespace Rules.Tests.Conformance;

/// <summary>What a spec query is, decided from its syntax: what the harness can run it through.</summary>
public enum SpecQueryShape
{
    /// <summary>A single-event query, possibly followed by pipes.</summary>
    Event,
    Sequence,
    Sample,
    /// <summary>The query does not parse; the compiler's diagnostics say why.</summary>
    Invalid,
}

/// <summary>One <c>[[queries]]</c> table of a spec file.</summary>
public sealed record SpecQuery(string File, int Index, string Name, string Query, IReadOnlyList<long>? ExpectedIds, bool HasAlternativeAnswers)
{
    /// <summary>The name the suite gives, or the position for the unnamed tables of the older files.</summary>
    public string Label => Name.Length > 0 ? Name : "#" + Index;

    public SpecQueryShape Shape
    {
        get
        {
            var parsed = EqlParser.Parse(Query);
            return parsed.Query?.Body switch
            {
                EqlEventQuery => SpecQueryShape.Event,
                EqlSequence => SpecQueryShape.Sequence,
                EqlSample => SpecQueryShape.Sample,
                _ => SpecQueryShape.Invalid,
            };
        }
    }
}

/// <summary>
/// Reads the spec suites' TOML files. A small reader of its own, because <c>test_extra.toml</c> is not strict TOML
/// (bare <c>null</c> in <c>join_keys</c>, see ../shared/conformance/elasticsearch-eql/README.md) and only three keys
/// matter here: name, query, expected_event_ids.
/// </summary>
public static class SpecQueryFile
{
    private static readonly Regex QueryValue = new(
        @"^\s*query\s*=\s*(?:'''\r?\n?(?<raw>.*?)'''|""""""\r?\n?(?<basic>.*?)""""""|'(?<raw>[^'\r\n]*)'|""(?<basic>(?:[^""\\\r\n]|\\.)*)"")",
        RegexOptions.Multiline | RegexOptions.Singleline);

    private static readonly Regex NameValue = new(@"^\s*name\s*=\s*""(?<v>[^""]*)""", RegexOptions.Multiline);

    private static readonly Regex ExpectedIds = new(@"^\s*expected_event_ids\s*=\s*(?<v>\[(?:[^\[\]]|\[[^\[\]]*\])*\])", RegexOptions.Multiline);

    public static IReadOnlyList<SpecQuery> Read(string path)
    {
        var file = Path.GetFileName(path);
        var text = File.ReadAllText(path).Replace("\r\n", "\n");

        // Commented-out tables ("#[[queries]]" and their "#query = ..." lines) are upstream's record of unsupported
        // features; only live lines count.
        text = string.Join("\n", text.Split('\n').Where(line => !line.TrimStart().StartsWith('#')));
        var queries = new List<SpecQuery>();
        var index = 0;
        foreach (var table in text.Split("[[queries]]").Skip(1))
        {
            index++;
            var query = QueryValue.Match(table);
            if (!query.Success)
            {
                throw new InvalidDataException($"{file}: table {index} has no query.");
            }

            var value = query.Groups["raw"].Success ? query.Groups["raw"].Value : Unescape(query.Groups["basic"].Value);
            var name = NameValue.Match(table);
            var ids = ExpectedIds.Match(table);
            IReadOnlyList<long>? expected = null;
            var alternatives = false;
            if (ids.Success)
            {
                var list = ids.Groups["v"].Value;
                alternatives = list.IndexOf('[', 1) >= 0;
                expected = alternatives
                    ? null
                    : list.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
            }

            queries.Add(new SpecQuery(file, index, name.Success ? name.Groups["v"].Value : string.Empty, value, expected, alternatives));
        }

        return queries;
    }

    // TOML basic-string escapes (the suites use only \\ and \").
    private static string Unescape(string value) => Regex.Replace(value, @"\\(.)", m => m.Groups[1].Value switch
    {
        "n" => "\n",
        "t" => "\t",
        "r" => "\r",
        var other => other,
    });
}
