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
    /// <summary>
    /// Every answer the suite accepts: one list, or (for queries the suite marks non-deterministic, an array of arrays)
    /// each alternative. Empty when the table has no expected_event_ids.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<long>> ExpectedAnswers { get; init; } =
        ExpectedIds is null ? Array.Empty<IReadOnlyList<long>>() : new[] { ExpectedIds };

    /// <summary>The flattened join keys of all results (<c>"null"</c> for a null key), or null when the table gives none.</summary>
    public IReadOnlyList<string>? JoinKeys { get; init; }

    /// <summary>The search-request options the table sets (size, max_samples_per_key, expect_shard_failures, ...), as written.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

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
/// (bare <c>null</c> in <c>join_keys</c>, see ../shared/conformance/elasticsearch-eql/README.md). Read: name, query,
/// expected_event_ids (one answer or several alternatives), join_keys, and every other key as a request option.
/// </summary>
public static class SpecQueryFile
{
    private static readonly Regex QueryValue = new(
        @"^\s*query\s*=\s*(?:'''\r?\n?(?<raw>.*?)'''|""""""\r?\n?(?<basic>.*?)""""""|'(?<raw>[^'\r\n]*)'|""(?<basic>(?:[^""\\\r\n]|\\.)*)"")",
        RegexOptions.Multiline | RegexOptions.Singleline);

    private static readonly Regex NameValue = new(@"^\s*name\s*=\s*""(?<v>[^""]*)""", RegexOptions.Multiline);

    private static readonly Regex ExpectedIds = new(@"^\s*expected_event_ids\s*=\s*(?<v>\[(?:[^\[\]]|\[[^\[\]]*\])*\])", RegexOptions.Multiline);

    private static readonly Regex JoinKeysValue = new(@"^\s*join_keys\s*=\s*\[(?<v>[^\]]*)\]", RegexOptions.Multiline);

    private static readonly Regex JoinKey = new(@"""(?<v>[^""]*)""|'(?<v>[^']*)'|(?<v>[^\s,""']+)");

    private static readonly Regex OptionValue = new(@"^(?<k>[a-z_]+)\s*=\s*(?<v>[^\r\n\[']+?)\s*$", RegexOptions.Multiline);

    /// <summary>Keys of a table that are not request options.</summary>
    private static readonly HashSet<string> NotOptions = new(StringComparer.Ordinal)
    {
        "name", "query", "expected_event_ids", "join_keys", "note", "notes", "description", "tags",
    };

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
            var answers = new List<IReadOnlyList<long>>();
            var alternatives = false;
            if (ids.Success)
            {
                var list = ids.Groups["v"].Value;
                alternatives = list.IndexOf('[', 1) >= 0;
                if (alternatives)
                {
                    answers.AddRange(Regex.Matches(list.Substring(1), @"\[(?<v>[^\[\]]*)\]").Select(m => (IReadOnlyList<long>)Longs(m.Groups["v"].Value)));
                }
                else
                {
                    expected = Longs(list.Trim('[', ']'));
                    answers.Add(expected);
                }
            }

            var keys = JoinKeysValue.Match(table);
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match option in OptionValue.Matches(table.Remove(query.Index, query.Length)))
            {
                if (!NotOptions.Contains(option.Groups["k"].Value))
                {
                    options[option.Groups["k"].Value] = option.Groups["v"].Value;
                }
            }

            queries.Add(new SpecQuery(file, index, name.Success ? name.Groups["v"].Value : string.Empty, value, expected, alternatives)
            {
                ExpectedAnswers = answers,
                JoinKeys = keys.Success ? JoinKey.Matches(keys.Groups["v"].Value).Select(k => k.Groups["v"].Value).ToList() : null,
                Options = options,
            });
        }

        return queries;
    }

    private static long[] Longs(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();

    // TOML basic-string escapes (the suites use only \\ and \").
    private static string Unescape(string value) => Regex.Replace(value, @"\\(.)", m => m.Groups[1].Value switch
    {
        "n" => "\n",
        "t" => "\t",
        "r" => "\r",
        var other => other,
    });
}
