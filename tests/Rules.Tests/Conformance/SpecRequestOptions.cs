using System.Globalization;
using Rules.Runtime.Sequences;

namespace Rules.Tests.Conformance;

/// <summary>
/// The search-request options a spec table sets, applied as the suite's test classes apply them where a stream has
/// a meaning for them (docs/conformance.md, "Request options"); any other option makes the query a documented skip.
/// </summary>
public static class SpecRequestOptions
{
    /// <summary>
    /// Options that describe the search's response, not which events match (test_failing_shards.toml): a per-event
    /// matcher has no shards, so the ids are compared and the flags are not.
    /// </summary>
    private static readonly HashSet<string> ResponseFlags = new(StringComparer.Ordinal)
    {
        "expect_shard_failures", "allow_partial_search_results", "allow_partial_sequence_results",
    };

    /// <summary>
    /// eql-python's test flags (which of its two case modes a test applies to), not search-request options; the
    /// queries run as Elasticsearch reads them and eql-python's case semantics are listed differences
    /// (EqlPythonDifferences).
    /// </summary>
    private static readonly HashSet<string> EqlPythonFlags = new(StringComparer.Ordinal) { "case_sensitive", "case_insensitive" };

    public const string SequencesWithheldOnShardFailure =
        "sequence under a shard failure without allow_partial_sequence_results: Elasticsearch withholds every sequence " +
        "because one may be incomplete (a response rule, not a matching rule); a stream has no shards. The same query " +
        "with allow_partial_sequence_results = true runs and passes";

    /// <summary>Null when every option the query sets is applied; otherwise the skip reason.</summary>
    public static string? Unsupported(SpecQuery query)
    {
        if (query.Options.TryGetValue("expect_shard_failures", out var failures) && failures == "true"
            && query.Shape == SpecQueryShape.Sequence
            && !(query.Options.TryGetValue("allow_partial_sequence_results", out var partial) && partial == "true"))
        {
            return SequencesWithheldOnShardFailure;
        }

        foreach (var (key, value) in query.Options)
        {
            switch (key)
            {
                case "size" when Count(value) is not null:
                case "max_samples_per_key" when Count(value) is > 0:
                    continue;
                default:
                    if (ResponseFlags.Contains(key) || EqlPythonFlags.Contains(key))
                    {
                        continue;
                    }

                    return $"request option {key} = {value}: no counterpart in a stream of events";
            }
        }

        return null;
    }

    /// <summary><c>size</c>: how many results (events, sequences, samples) the search returns; the first N, in
    /// Elasticsearch's result order. Null: the option is not set.</summary>
    public static int? Size(SpecQuery query) => query.Options.TryGetValue("size", out var value) ? Count(value) : null;

    /// <summary>The engine options for a sequence or sample query (<c>max_samples_per_key</c>); null: the defaults.</summary>
    public static SequenceEngineOptions? EngineOptions(SpecQuery query) =>
        query.Options.TryGetValue("max_samples_per_key", out var value) && Count(value) is { } samples
            ? new SequenceEngineOptions { MaxSamplesPerKey = samples }
            : null;

    private static int? Count(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
}
