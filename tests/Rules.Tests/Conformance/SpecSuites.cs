namespace Rules.Tests.Conformance;

/// <summary>Which dataset each spec file runs against, and its documented skips and differences.</summary>
public sealed record SpecSuite(string File, Func<string, SpecDataset> Dataset, KnownDifferences Known);

public static class SpecSuites
{
    public static readonly string[] ElasticsearchFiles =
    {
        "test_queries.toml", "additional_test_queries.toml", "test_queries_date.toml", "test_queries_date_nanos.toml",
        "test_extra.toml", "test_missing_events.toml", "test_failing_shards.toml", "test_sample.toml", "test_sample_multi.toml",
    };

    public static SpecSuite Elasticsearch(string file) => file switch
    {
        "test_queries.toml" => new(file, SpecDataset.Endgame, new KnownDifferences()),
        "additional_test_queries.toml" => new(file, SpecDataset.Endgame, new KnownDifferences()),
        "test_queries_date.toml" => new(file, SpecDataset.Endgame, new KnownDifferences()),
        "test_queries_date_nanos.toml" => new(file, SpecDataset.EndgameNanos, new KnownDifferences()),
        "test_extra.toml" => new(file, SpecDataset.Extra, new KnownDifferences()),
        "test_missing_events.toml" => new(file, SpecDataset.MissingEvents, new KnownDifferences()),
        "test_failing_shards.toml" => new(file, SpecDataset.EndgameWithShardFailures, new KnownDifferences()),
        "test_sample.toml" => new(file, SpecDataset.Samples, new KnownDifferences()),
        "test_sample_multi.toml" => new(file, SpecDataset.SampleMulti, new KnownDifferences()),
        _ => throw new ArgumentException("not a spec file: " + file),
    };
}
