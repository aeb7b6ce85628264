using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Rules.Language.Eql;
using Rules.Runtime;
using Rules.Runtime.Reading;
using Rules.Tests.Generator;

namespace Rules.Tests.Conformance;

public enum SpecOutcome
{
    Passed,
    Failed,
    /// <summary>Not run: a documented unsupported feature (KnownDifferences or the query's shape).</summary>
    Skipped,
    /// <summary>Run, and differs from Elasticsearch in a documented, justified way (KnownDifferences).</summary>
    KnownDifference,
}

public sealed record SpecResult(SpecQuery Query, SpecOutcome Outcome, string Detail);

/// <summary>
/// Runs spec queries through the real pipeline: each query becomes a rule file, all rules of a file and the
/// dataset's schema go through the generator in one run and one C# compilation, the assembly is loaded, the dataset
/// is read with EventReader, and every event is given to every rule's generated Matches.
/// </summary>
public sealed class ConformanceRunner
{
    private readonly SpecDataset _dataset;
    private readonly KnownDifferences _known;

    public ConformanceRunner(SpecDataset dataset, KnownDifferences known)
    {
        _dataset = dataset;
        _known = known;
    }

    public IReadOnlyList<SpecResult> Run(IReadOnlyList<SpecQuery> queries)
    {
        var results = new SpecResult?[queries.Count];
        var runnable = new List<(int Slot, SpecQuery Query, string RuleQuery, EqlPipe[] Pipes)>();
        for (var i = 0; i < queries.Count; i++)
        {
            var query = queries[i];
            if (_known.SkipReason(query) is { } skip)
            {
                results[i] = new SpecResult(query, SpecOutcome.Skipped, skip);
                continue;
            }

            switch (query.Shape)
            {
                case SpecQueryShape.Sequence:
                case SpecQueryShape.Sample:
                    // The one place a SequenceRule path plugs in once the runtime's sequence engine lands.
                    results[i] = new SpecResult(query, SpecOutcome.Skipped, KnownDifferences.SequenceEngineNotYetMerged);
                    continue;
                case SpecQueryShape.Invalid:
                    runnable.Add((i, query, query.Query, Array.Empty<EqlPipe>()));
                    continue;
            }

            if (query.ExpectedIds is null)
            {
                results[i] = new SpecResult(query, SpecOutcome.Skipped, "no single expected answer in the suite");
                continue;
            }

            var (ruleQuery, pipes) = SplitWindowPipes(query.Query);
            runnable.Add((i, query, ruleQuery, pipes));
        }

        var compiled = CompileAll(runnable.Select(r => r.RuleQuery).ToList());
        var matches = MatchAll(compiled.Rules);
        for (var r = 0; r < runnable.Count; r++)
        {
            var (slot, query, _, pipes) = runnable[r];
            string? problem;
            if (compiled.Errors.TryGetValue(r, out var errors))
            {
                if (_known.RejectedDialect?.Invoke(errors) is { } dialect)
                {
                    results[slot] = new SpecResult(query, SpecOutcome.Skipped, dialect);
                    continue;
                }

                problem = "does not compile: " + errors;
            }
            else
            {
                var actual = ApplyWindowPipes(matches[r], pipes);
                problem = actual.SequenceEqual(query.ExpectedIds!)
                    ? null
                    : $"expected [{string.Join(", ", query.ExpectedIds!)}], got [{string.Join(", ", actual)}]";
            }

            var difference = _known.DifferenceReason(query);
            results[slot] = (problem, difference) switch
            {
                (null, null) => new SpecResult(query, SpecOutcome.Passed, string.Empty),
                (null, _) => new SpecResult(query, SpecOutcome.Failed, "listed as a known difference but matches Elasticsearch: remove it from KnownDifferences"),
                (_, null) => new SpecResult(query, SpecOutcome.Failed, problem),
                _ => new SpecResult(query, SpecOutcome.KnownDifference, difference + " (" + problem + ")"),
            };
        }

        return results.Select(r => r!).ToList();
    }

    /// <summary>
    /// <c>| head N</c> / <c>| tail N</c> choose a window of a search's sorted results; a detection rule has no result
    /// window (every matching event is an alert), so the emitter does not take them. The rule gets the event query
    /// and the harness applies the window to the matches, in Elasticsearch's order.
    /// </summary>
    private static (string RuleQuery, EqlPipe[] Pipes) SplitWindowPipes(string query)
    {
        var parsed = EqlParser.Parse(query).Query;
        if (parsed is null || parsed.Pipes.Count == 0 || !parsed.Pipes.All(IsWindow))
        {
            return (query, Array.Empty<EqlPipe>());
        }

        return (query.Substring(parsed.Body.Span.Start, parsed.Body.Span.Length), parsed.Pipes.ToArray());
    }

    private static bool IsWindow(EqlPipe pipe) =>
        pipe.Name is "head" or "tail" && pipe.Arguments.Count == 1 && pipe.Arguments[0] is EqlLiteral { Kind: EqlLiteralKind.Integer };

    private static IReadOnlyList<long> ApplyWindowPipes(IReadOnlyList<long> matched, EqlPipe[] pipes)
    {
        foreach (var pipe in pipes)
        {
            var count = (int)((EqlLiteral)pipe.Arguments[0]).Integer;
            matched = pipe.Name == "head" ? matched.Take(count).ToList() : matched.Skip(Math.Max(0, matched.Count - count)).ToList();
        }

        return matched;
    }

    private sealed record CompiledQueries(IReadOnlyList<EventRule?> Rules, Dictionary<int, string> Errors);

    private static string RulePath(int index) => $"/consumer/rules/spec_{index:D3}.toml";

    private CompiledQueries CompileAll(IReadOnlyList<string> queries)
    {
        var files = new List<InMemoryRuleFile> { new("/consumer/schema/spec-fields.yml", _dataset.SchemaYaml, kind: "schema") };
        files.AddRange(queries.Select((q, i) => new InMemoryRuleFile(RulePath(i), RuleFile(q, i))));
        var run = GeneratorHarness.Run(files.ToArray());
        var errors = new Dictionary<int, string>();
        var schemaErrors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.GetLineSpan().Path.EndsWith(".yml", StringComparison.Ordinal)).ToList();
        if (schemaErrors.Count > 0)
        {
            throw new InvalidOperationException("The derived schema does not load:\n" + string.Join("\n", schemaErrors) + "\n" + _dataset.SchemaYaml);
        }

        for (var i = 0; i < queries.Count; i++)
        {
            var path = RulePath(i);
            var ruleErrors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.GetLineSpan().Path == path).ToList();
            if (ruleErrors.Count > 0)
            {
                errors[i] = string.Join(" | ", ruleErrors.Select(d => d.Id + " " + d.GetMessage()));
            }
        }

        // Generated code that does not compile is a failure of its query, not of the file: those trees (and the
        // catalog, which names their classes) are left out, and the rules are taken from their Instance fields.
        var compilation = run.Output;
        var broken = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is not null).ToList();
        foreach (var tree in broken.Select(d => d.Location.SourceTree!).Distinct())
        {
            var text = tree.GetText().ToString();
            var index = Enumerable.Range(0, queries.Count).FirstOrDefault(i => text.Contains($"from rules/spec_{i:D3}.toml", StringComparison.Ordinal), -1);
            if (index >= 0)
            {
                errors[index] = "generated C# does not compile: " + string.Join(" | ", broken.Where(d => d.Location.SourceTree == tree).Take(3).Select(d => d.ToString()));
            }

            compilation = compilation.RemoveSyntaxTrees(tree);
        }

        if (broken.Count > 0)
        {
            compilation = compilation.RemoveSyntaxTrees(compilation.SyntaxTrees.Where(t => t.FilePath.Contains("DetectionRuleCatalog", StringComparison.Ordinal)));
        }

        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        if (!emit.Success)
        {
            throw new InvalidOperationException("The generated code did not compile:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        }

        image.Position = 0;
        var assembly = new AssemblyLoadContext("conformance-" + Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromStream(image);
        var byId = assembly.GetTypes()
            .Where(t => typeof(EventRule).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (EventRule)t.GetField("Instance", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .ToDictionary(r => r.Metadata.RuleId, StringComparer.Ordinal);
        var rules = new EventRule?[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            if (!errors.ContainsKey(i))
            {
                rules[i] = byId.TryGetValue(RuleId(i), out var rule) ? rule : null;
                if (rules[i] is null)
                {
                    errors[i] = "the generator produced no matcher and no error";
                }
            }
        }

        return new CompiledQueries(rules, errors);
    }

    private static string RuleId(int index) => $"00000000-0000-0000-0000-{index:D12}";

    private static string RuleFile(string query, int index) => $"""
        [rule]
        author = ["Elasticsearch EQL spec suite"]
        description = "Conformance query {index}."
        name = "Spec {index:D3}"
        risk_score = 21
        rule_id = "{RuleId(index)}"
        severity = "low"
        type = "eql"
        language = "eql"
        query = '''
        {query.Trim()}
        '''
        """;

    /// <summary>
    /// Every event through every rule, read with the real EventReader. Matches come back in Elasticsearch's order
    /// for an event query: @timestamp, then the suite's tiebreaker (the id field), then file order.
    /// </summary>
    private IReadOnlyList<long>[] MatchAll(IReadOnlyList<EventRule?> rules)
    {
        var matched = rules.Select(_ => new List<(DateTimeOffset? Time, long Id, int Position)>()).ToArray();
        var badLines = new List<string>();
        using var reader = new EventReader(new MemoryStream(_dataset.Ndjson()), new EventReaderOptions { OnBadLine = b => badLines.Add(b.ToString()) });
        var position = 0;
        foreach (var e in reader.ReadEvents())
        {
            var id = _dataset.Events[position].Id;
            for (var r = 0; r < rules.Count; r++)
            {
                if (rules[r] is { } rule && rule.Matches(e))
                {
                    matched[r].Add((e.Timestamp, id, position));
                }
            }

            position++;
        }

        if (badLines.Count > 0 || position != _dataset.Events.Count)
        {
            throw new InvalidOperationException($"{_dataset.Name}: the reader took {position} of {_dataset.Events.Count} events: {string.Join("; ", badLines)}");
        }

        return matched.Select(list => (IReadOnlyList<long>)list
            .OrderBy(m => m.Time ?? DateTimeOffset.MinValue)
            .ThenBy(m => m.Id)
            .ThenBy(m => m.Position)
            .Select(m => m.Id)
            .ToList()).ToArray();
    }
}
