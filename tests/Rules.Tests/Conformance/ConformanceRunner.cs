using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Rules.Language.Eql;
using Rules.Runtime;
using Rules.Runtime.Reading;
using Rules.Runtime.Sequences;
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
/// is read with EventReader in Elasticsearch's order (@timestamp, tiebreaker), and every event is given to every
/// event rule's generated Matches and to one SequenceEngine per sequence or sample rule.
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

    /// <summary>One query to compile and run: the rule's query text and how its results are windowed.</summary>
    private sealed record Runnable(int Slot, SpecQuery Query, string RuleQuery, EqlPipe[] Pipes, SequenceEngineOptions? Engine, int? Size);

    public IReadOnlyList<SpecResult> Run(IReadOnlyList<SpecQuery> queries)
    {
        var results = new SpecResult?[queries.Count];
        var runnable = new List<Runnable>();
        for (var i = 0; i < queries.Count; i++)
        {
            var query = queries[i];
            if (_known.SkipReason(query) is { } skip)
            {
                results[i] = new SpecResult(query, SpecOutcome.Skipped, skip);
                continue;
            }

            if (SpecRequestOptions.Unsupported(query) is { } option)
            {
                results[i] = new SpecResult(query, SpecOutcome.Skipped, option);
                continue;
            }

            var shape = query.Shape;
            if (shape == SpecQueryShape.Invalid)
            {
                runnable.Add(new Runnable(i, query, query.Query, Array.Empty<EqlPipe>(), null, null));
                continue;
            }

            if (query.ExpectedAnswers.Count == 0)
            {
                results[i] = new SpecResult(query, SpecOutcome.Skipped, "no expected answer in the suite");
                continue;
            }

            if (shape is SpecQueryShape.Sequence or SpecQueryShape.Sample && _known.SequencesSkipReason is { } notCompared)
            {
                results[i] = new SpecResult(query, SpecOutcome.Skipped, notCompared);
                continue;
            }

            if (shape is SpecQueryShape.Sequence or SpecQueryShape.Sample)
            {
                // Pipes stay in the rule: the sequence engine applies head/tail itself (docs/sequences.md, "Pipes").
                runnable.Add(new Runnable(i, query, query.Query, Array.Empty<EqlPipe>(), SpecRequestOptions.EngineOptions(query), SpecRequestOptions.Size(query)));
                continue;
            }

            var (ruleQuery, pipes) = SplitWindowPipes(query.Query);
            runnable.Add(new Runnable(i, query, ruleQuery, pipes, null, SpecRequestOptions.Size(query)));
        }

        var compiled = CompileAll(runnable.Select(r => r.RuleQuery).ToList());
        var outcomes = MatchAll(compiled.Rules, runnable);
        for (var r = 0; r < runnable.Count; r++)
        {
            var query = runnable[r].Query;
            string? problem;
            if (compiled.Errors.TryGetValue(r, out var errors))
            {
                if (_known.RejectedDialect?.Invoke(errors) is { } dialect)
                {
                    results[runnable[r].Slot] = new SpecResult(query, SpecOutcome.Skipped, dialect);
                    continue;
                }

                problem = "does not compile: " + errors;
            }
            else
            {
                problem = Compare(query, outcomes[r]!);
            }

            var difference = _known.DifferenceReason(query);
            results[runnable[r].Slot] = (problem, difference) switch
            {
                (null, null) => new SpecResult(query, SpecOutcome.Passed, string.Empty),
                (null, _) => new SpecResult(query, SpecOutcome.Failed, "listed as a known difference but matches Elasticsearch: remove it from KnownDifferences"),
                (_, null) => new SpecResult(query, SpecOutcome.Failed, problem),
                _ => new SpecResult(query, SpecOutcome.KnownDifference, difference + " (" + problem + ")"),
            };
        }

        return results.Select(r => r!).ToList();
    }

    /// <summary>What a query returned: the flattened ids (-1 for a missing-event stage) and, for sequences and
    /// samples, the flattened join keys.</summary>
    private sealed record Outcome(IReadOnlyList<long> Ids, IReadOnlyList<string>? JoinKeys);

    /// <summary>Null when the outcome is one of the suite's accepted answers (and its join keys, when given, agree).</summary>
    private static string? Compare(SpecQuery query, Outcome outcome)
    {
        var idsOk = query.ExpectedAnswers.Any(answer => answer.SequenceEqual(outcome.Ids));
        var keysOk = query.JoinKeys is null || outcome.JoinKeys is null
            || (query.JoinKeys.Count == outcome.JoinKeys.Count && query.JoinKeys.Zip(outcome.JoinKeys).All(k => SameKey(k.First, k.Second)));
        if (idsOk && keysOk)
        {
            return null;
        }

        var expected = string.Join(" or ", query.ExpectedAnswers.Select(a => "[" + string.Join(", ", a) + "]"));
        var text = $"expected {expected}, got [{string.Join(", ", outcome.Ids)}]";
        if (!keysOk)
        {
            text += $"; join keys expected [{string.Join(", ", query.JoinKeys!)}], got [{string.Join(", ", outcome.JoinKeys!)}]";
        }

        return text;
    }

    /// <summary>
    /// A join key as the suite writes it and as the engine renders it (docs/sequences.md, "Join keys"). A date key is
    /// rendered ISO-8601 by the engine; a sample's date key comes back from Elasticsearch's composite aggregation as
    /// epoch milliseconds: the same instant is the same key.
    /// </summary>
    private static bool SameKey(string expected, string actual)
    {
        if (expected == actual)
        {
            return true;
        }

        return long.TryParse(expected, NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis)
               && actual.Length > 10 && actual[4] == '-'
               && DateTimeOffset.TryParse(actual, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
               && date.ToUnixTimeMilliseconds() == millis;
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

    private sealed record CompiledQueries(IReadOnlyList<CompiledRule?> Rules, Dictionary<int, string> Errors);

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
            .Where(t => typeof(CompiledRule).IsAssignableFrom(t) && !t.IsAbstract && t.GetField("Instance", BindingFlags.Public | BindingFlags.Static) is not null)
            .Select(t => (CompiledRule)t.GetField("Instance", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .ToDictionary(r => r.Metadata.RuleId, StringComparer.Ordinal);
        var rules = new CompiledRule?[queries.Count];
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
    /// Every event through every rule, read once with the real EventReader (one reused event, as in production) in
    /// the dataset's stream order. Event rules: the matching events, in Elasticsearch's order for an event query
    /// (@timestamp, then the tiebreaker, the id field, then file order), windowed by the query's head/tail pipes and
    /// size. Sequence and sample rules: each its own SequenceEngine; sequences come back in the order of their last
    /// event, samples in the order of their join keys (the composite aggregation's order), then cut to size.
    /// </summary>
    private Outcome?[] MatchAll(IReadOnlyList<CompiledRule?> rules, IReadOnlyList<Runnable> runnable)
    {
        var stream = _dataset.StreamOrder();
        var matched = rules.Select(_ => new List<(DateTimeOffset? Time, long Id, int Position)>()).ToArray();
        var engines = new SequenceEngine?[rules.Count];
        var sequenceMatches = new List<SequenceMatch>?[rules.Count];
        for (var r = 0; r < rules.Count; r++)
        {
            if (rules[r] is SequenceRule sequence)
            {
                engines[r] = new SequenceEngine(new CompiledRule[] { sequence }, runnable[r].Engine);
                sequenceMatches[r] = new List<SequenceMatch>();
            }
        }

        var badLines = new List<string>();
        using var reader = new EventReader(new MemoryStream(_dataset.Ndjson(stream)), new EventReaderOptions { ReuseEvent = true, OnBadLine = b => badLines.Add(b.ToString()) });
        var position = 0;
        foreach (var e in reader.ReadEvents())
        {
            var id = stream[position].Id;
            for (var r = 0; r < rules.Count; r++)
            {
                if (rules[r] is EventRule rule && rule.Matches(e))
                {
                    matched[r].Add((e.Timestamp, id, position));
                }
                else if (engines[r] is { } engine)
                {
                    engine.Process(e, sequenceMatches[r]!);
                }
            }

            position++;
        }

        if (badLines.Count > 0 || position != stream.Count)
        {
            throw new InvalidOperationException($"{_dataset.Name}: the reader took {position} of {stream.Count} events: {string.Join("; ", badLines)}");
        }

        var outcomes = new Outcome?[rules.Count];
        for (var r = 0; r < rules.Count; r++)
        {
            if (rules[r] is EventRule)
            {
                IReadOnlyList<long> ids = matched[r]
                    .OrderBy(m => m.Time ?? DateTimeOffset.MinValue)
                    .ThenBy(m => m.Id)
                    .ThenBy(m => m.Position)
                    .Select(m => m.Id)
                    .ToList();
                ids = ApplyWindowPipes(ids, runnable[r].Pipes);
                outcomes[r] = new Outcome(runnable[r].Size is { } size ? ids.Take(size).ToList() : ids, null);
            }
            else if (engines[r] is { } engine)
            {
                var found = sequenceMatches[r]!;
                engine.Complete(found);
                var sequence = (SequenceRule)rules[r]!;
                var ordered = sequence.Kind == SequenceRuleKind.Sample
                    ? found.Select((m, index) => (m, index)).OrderBy(x => string.Join("\u0001", x.m.JoinKeys.Select(k => k ?? string.Empty)), StringComparer.Ordinal).ThenBy(x => x.index).Select(x => x.m).ToList()
                    : found.Select((m, index) => (m, index)).OrderBy(x => x.m.Events[^1].Timestamp).ThenBy(x => x.index).Select(x => x.m).ToList();
                if (runnable[r].Size is { } size)
                {
                    ordered = ordered.Take(size).ToList();
                }

                outcomes[r] = new Outcome(
                    ordered.SelectMany(Ids).ToList(),
                    ordered.SelectMany(m => m.JoinKeys.Select(k => k ?? "null")).ToList());
            }
        }

        return outcomes;
    }

    /// <summary>The ids of a match in stage order, -1 for each missing-event stage (as the suite writes them).</summary>
    private IEnumerable<long> Ids(SequenceMatch match)
    {
        var next = 0;
        for (var stage = 0; stage < match.Rule.StageCount; stage++)
        {
            if (match.Rule.IsMissingStage(stage))
            {
                yield return -1;
                continue;
            }

            yield return Convert.ToInt64(match.Events[next++][_dataset.IdField], CultureInfo.InvariantCulture);
        }
    }
}
