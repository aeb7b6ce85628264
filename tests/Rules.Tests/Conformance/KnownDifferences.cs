namespace Rules.Tests.Conformance;

/// <summary>
/// Every spec query that is not run (skip) or that is run and differs from Elasticsearch (difference), with its
/// reason. docs/conformance.md explains each with its source. A listed difference that starts matching
/// Elasticsearch fails the test, so the list cannot go stale.
/// </summary>
public sealed class KnownDifferences
{
    private readonly Dictionary<string, string> _skips;
    private readonly Dictionary<string, string> _differences;

    public KnownDifferences(Dictionary<string, string>? skips = null, Dictionary<string, string>? differences = null)
    {
        _skips = skips ?? new Dictionary<string, string>(StringComparer.Ordinal);
        _differences = differences ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public string? SkipReason(SpecQuery query) => _skips.TryGetValue(query.Label, out var reason) ? reason : null;

    public string? DifferenceReason(SpecQuery query) => _differences.TryGetValue(query.Label, out var reason) ? reason : null;

    public IEnumerable<string> Labels => _skips.Keys.Concat(_differences.Keys);

    /// <summary>
    /// For suites written in another dialect (eql-python): a query the compiler rejects is skipped, with the reason
    /// this names for the compiler's message (null: not a documented dialect difference, so a failure).
    /// </summary>
    public Func<string, string?>? RejectedDialect { get; init; }

    /// <summary>For suites whose sequences and samples are not compared (null: they run), the reason.</summary>
    public string? SequencesSkipReason { get; init; }
}
