using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Rules.Language.Schema;

namespace Rules.CatalogTool;

/// <summary>How many corpus field names the catalog defines, and from which source (docs/event-record.md, "Coverage").</summary>
internal sealed record CoverageReport(
    int RulesScanned,
    int DistinctNames,
    IReadOnlyDictionary<string, int> FoundBySource,
    IReadOnlyDictionary<string, int> PatternsAndMatches,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Missing)
{
    public static CoverageReport Measure(string corpusDirectory, IReadOnlyList<SchemaField> catalog)
    {
        var scanned = CorpusFieldScan.Scan(corpusDirectory, out var rules);
        var byPath = catalog.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var found = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var patterns = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var missing = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var pair in scanned)
        {
            if (pair.Key.IndexOf('*') >= 0 || pair.Key.IndexOf('?') >= 0)
            {
                // A KQL field wildcard: covered when it expands to at least one catalog field.
                var matches = catalog.Count(f => Glob.IsMatch(pair.Key, f.Path, ignoreCase: false));
                patterns.Add(pair.Key, matches);
                if (matches == 0)
                {
                    missing.Add(pair.Key, pair.Value.Take(3).ToList());
                }

                continue;
            }

            if (byPath.TryGetValue(pair.Key, out var field))
            {
                var source = field.Origin.StartsWith("supplemental", StringComparison.Ordinal) ? "supplemental"
                    : field.Source == "ecs" ? "ecs"
                    : field.Origin.Split(' ')[0];
                found[source] = found.TryGetValue(source, out var n) ? n + 1 : 1;
            }
            else
            {
                missing.Add(pair.Key, pair.Value.Take(3).ToList());
            }
        }

        return new CoverageReport(rules, scanned.Count, found, patterns, missing);
    }

    public void Print(TextWriter output)
    {
        output.WriteLine($"Corpus coverage: {RulesScanned} rules (eql, query, new_terms, threshold), {DistinctNames} distinct field names");
        foreach (var pair in FoundBySource)
        {
            output.WriteLine($"  defined by {pair.Key}: {pair.Value}");
        }

        output.WriteLine($"  KQL field wildcards: {PatternsAndMatches.Count} ({PatternsAndMatches.Count(p => p.Value > 0)} expand to catalog fields)");
        output.WriteLine($"  in no catalog source: {Missing.Count}");
        foreach (var pair in Missing)
        {
            output.WriteLine($"    {pair.Key}  ({string.Join(", ", pair.Value)})");
        }
    }
}
