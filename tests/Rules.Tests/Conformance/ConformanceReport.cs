using Xunit.Abstractions;

namespace Rules.Tests.Conformance;

/// <summary>Writes a file's results to the test output and fails on any failure.</summary>
public static class ConformanceReport
{
    public static void Write(ITestOutputHelper output, string file, KnownDifferences known, IReadOnlyList<SpecQuery> queries, IReadOnlyList<SpecResult> results)
    {
        int Count(SpecOutcome outcome) => results.Count(r => r.Outcome == outcome);
        output.WriteLine($"{file}: {queries.Count} queries: {Count(SpecOutcome.Passed)} passed, {Count(SpecOutcome.Failed)} failed, " +
                         $"{Count(SpecOutcome.KnownDifference)} known differences, {Count(SpecOutcome.Skipped)} skipped");
        foreach (var group in results.Where(r => r.Outcome == SpecOutcome.Skipped).GroupBy(r => r.Detail))
        {
            output.WriteLine($"  skipped {group.Count()}: {group.Key}");
            output.WriteLine($"    {string.Join(", ", group.Select(r => r.Query.Label))}");
        }

        foreach (var result in results.Where(r => r.Outcome == SpecOutcome.KnownDifference))
        {
            output.WriteLine($"  known difference {result.Query.Label}: {result.Detail}");
        }

        var failures = results.Where(r => r.Outcome == SpecOutcome.Failed).ToList();
        foreach (var failure in failures)
        {
            output.WriteLine($"  FAILED {failure.Query.Label}: {failure.Query.Query.Trim()}\n      {failure.Detail}");
        }

        // A listed name the file does not have is a typo that would hide nothing and mean nothing.
        var labels = queries.Select(q => q.Label).ToHashSet(StringComparer.Ordinal);
        var stale = known.Labels.Where(l => !labels.Contains(l)).ToList();
        Assert.True(stale.Count == 0, $"KnownDifferences names queries {file} does not have: {string.Join(", ", stale)}");
        Assert.True(queries.Count > 0, $"{file}: no queries read");
        Assert.True(Count(SpecOutcome.Passed) > 0 || Count(SpecOutcome.Skipped) == queries.Count, $"{file}: nothing passed, the harness is not running queries");
        Assert.True(failures.Count == 0, $"{file}: {failures.Count} queries differ from Elasticsearch: {string.Join(", ", failures.Select(f => f.Query.Label))}");
    }
}
