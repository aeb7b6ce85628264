using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Rules.Benchmarks;
using Rules.Runtime;
using Rules.Runtime.Reading;

/// <summary>`-- --profile`: the slowest rules over the event mix (time per rule, all events), to aim optimisation.</summary>
internal static class Profile
{
    /// <summary>`-- --measure [seconds]`: the engine over the mix, pass after pass; the fastest pass is the number least
    /// disturbed by other work on a shared machine (BenchmarkDotNet's mean is not, there).</summary>
    public static void Measure(double seconds)
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var matches = new System.Collections.Generic.List<EventRule>(256);
        var passes = new System.Collections.Generic.List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var pass = Stopwatch.StartNew();
            BenchmarkPasses.MatchAll(events, engine, matches);

            passes.Add(pass.Elapsed.TotalMicroseconds / events.Length);
        }

        passes.Sort();
        Console.WriteLine($"{passes.Count} passes over {events.Length} events: fastest {passes[0]:F3} us/event ({1e6 / passes[0]:N0} events/s), median {passes[passes.Count / 2]:F3} us/event");
    }

    /// <summary>`-- --stream [seconds]`: the engine's share of a stream: reading the 2,000 documents into one reused
    /// event, alone and followed by matching, passes alternated; the fastest pass of each and their difference.</summary>
    public static void Stream(double seconds)
    {
        var ndjson = RealisticEvents.Ndjson(2_000);
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var matches = new System.Collections.Generic.List<EventRule>(256);
        double bestRead = double.MaxValue, bestReadAndMatch = double.MaxValue;
        var clock = Stopwatch.StartNew();
        var passes = 0;
        const int events = 2_000;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var watch = Stopwatch.StartNew();
            BenchmarkPasses.Read(ndjson);
            bestRead = Math.Min(bestRead, watch.Elapsed.TotalMicroseconds / events);
            watch.Restart();
            BenchmarkPasses.ReadAndMatch(ndjson, engine, matches);
            bestReadAndMatch = Math.Min(bestReadAndMatch, watch.Elapsed.TotalMicroseconds / events);
            passes++;
        }

        var engineShare = bestReadAndMatch - bestRead;
        Console.WriteLine($"{passes} passes: read {bestRead:F3} us/event, read and match {bestReadAndMatch:F3} us/event; engine in the stream {engineShare:F3} us/event ({1e6 / engineShare:N0} events/s)");
    }

    /// <summary>`-- --reads`: hot, per event, what reading every indexed field of the event's group costs (the
    /// delegates alone, no probing) against the whole match.</summary>
    public static void Reads()
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var matches = new System.Collections.Generic.List<EventRule>(256);
        var groups = events.Select(e => engine.GroupFor(e.Event!.Category![0]).Indexes.Select(i => i.Field).Where(f => f.ReadSingle is not null || f.ReadArray is not null).ToArray()).ToArray();
        double bestMatch = double.MaxValue, bestRead = double.MaxValue;
        var sink = 0;
        for (var pass = 0; pass < 300; pass++)
        {
            var watch = Stopwatch.StartNew();
            BenchmarkPasses.MatchAll(events, engine, matches, times: 4);
            bestMatch = Math.Min(bestMatch, watch.Elapsed.TotalMicroseconds / events.Length / 4);
            watch.Restart();
            for (var i = 0; i < events.Length; i++)
            {
                var e = events[i];
                for (var k = 0; k < 4; k++)
                {
                    foreach (var field in groups[i])
                    {
                        sink += field.ReadSingle is { } single ? (single(e) is null ? 0 : 1) : (field.ReadArray!(e) is null ? 0 : 1);
                    }
                }
            }

            bestRead = Math.Min(bestRead, watch.Elapsed.TotalMicroseconds / events.Length / 4);
        }

        Console.WriteLine($"hot: match {bestMatch:F3} us/event; reading the group's {groups.Average(g => g.Length):F1} ECS string fields alone {bestRead:F3} us/event ({sink % 2})");
    }

    /// <summary>`-- --group`: hot, the engine's Match against its category group's Match called directly: what finding
    /// the event's group costs.</summary>
    public static void GroupDirect()
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var matches = new System.Collections.Generic.List<EventRule>(256);
        var groups = events.Select(e => engine.GroupFor(e.Event!.Category![0])).ToArray();
        double bestMatch = double.MaxValue, bestGroup = double.MaxValue;
        for (var pass = 0; pass < 300; pass++)
        {
            var watch = Stopwatch.StartNew();
            BenchmarkPasses.MatchAll(events, engine, matches, times: 4);
            bestMatch = Math.Min(bestMatch, watch.Elapsed.TotalMicroseconds / events.Length / 4);
            watch.Restart();
            for (var i = 0; i < events.Length; i++) { for (var k = 0; k < 4; k++) { matches.Clear(); groups[i].Match(events[i], matches, default); } }
            bestGroup = Math.Min(bestGroup, watch.Elapsed.TotalMicroseconds / events.Length / 4);
        }

        Console.WriteLine($"hot: engine.Match {bestMatch:F3} us/event; group.Match directly {bestGroup:F3} us/event");
    }

    /// <summary>`-- --hot`: the engine on an event already in the CPU's caches (as right after the reader wrote it)
    /// against the same events cold (the array of 2,000 read-ahead events outgrows the caches): each event is matched
    /// once, then three times in a row; the extra two matches cost what a hot match costs.</summary>
    public static void Hot()
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var matches = new System.Collections.Generic.List<EventRule>(256);
        double bestOnce = double.MaxValue, bestThrice = double.MaxValue;
        for (var pass = 0; pass < 400; pass++)
        {
            var watch = Stopwatch.StartNew();
            BenchmarkPasses.MatchAll(events, engine, matches);
            bestOnce = Math.Min(bestOnce, watch.Elapsed.TotalMicroseconds / events.Length);
            watch.Restart();
            BenchmarkPasses.MatchAll(events, engine, matches, times: 3);

            bestThrice = Math.Min(bestThrice, watch.Elapsed.TotalMicroseconds / events.Length);
        }

        var hot = (bestThrice - bestOnce) / 2;
        Console.WriteLine($"cold (first match of an event) {bestOnce:F3} us/event; hot (event in cache) {hot:F3} us/event ({1e6 / hot:N0} events/s)");
    }

    /// <summary>`-- --shape`: per category, the atoms on each field (exact, prefix by offset, suffix, contains), and how
    /// many values per event of that category the field has.</summary>
    public static void Shape()
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var rules = Rules.Generated.DetectionRuleCatalog.All.OfType<EventRule>().ToArray();
        foreach (var category in events.Select(e => e.Event!.Category![0]!).Distinct())
        {
            var ofCategory = events.Where(e => e.Event!.Category![0] == category).ToArray();
            var members = rules.Where(r => r.EventCategories.Count == 0 || r.EventCategories.Contains(category)).ToArray();
            var atoms = members.Where(r => r.Prefilter is not null).SelectMany(r => r.Prefilter!.Conditions[0]).GroupBy(a => a.Field.Path).ToArray();
            Console.WriteLine($"{category}: {ofCategory.Length} events, {members.Length} rules, {members.Count(r => r.Prefilter is null)} without prefilter, {atoms.Length} first-condition fields");
            foreach (var field in atoms.OrderByDescending(g => g.Count()))
            {
                var present = ofCategory.Count(e => HasValue(field.First().Field, e));
                var offsets = field.Where(a => a.Kind == PrefilterAtomKind.Prefix).Select(a => a.Offset).Distinct().Count();
                Console.WriteLine($"  {field.Key,-45} exact {field.Count(a => a.Kind == PrefilterAtomKind.Exact),4} prefix {field.Count(a => a.Kind == PrefilterAtomKind.Prefix),4} ({offsets} offsets) suffix {field.Count(a => a.Kind == PrefilterAtomKind.Suffix),4} contains {field.Count(a => a.Kind == PrefilterAtomKind.Contains),4} exists {field.Count(a => a.Kind == PrefilterAtomKind.Exists),3}  present in {100.0 * present / ofCategory.Length,5:F1}%");
            }
        }
    }

    /// <summary>`-- --prefilters`: every single-event rule's prefilter conditions (to compare selections).</summary>
    public static void Prefilters()
    {
        foreach (var rule in Rules.Generated.DetectionRuleCatalog.All.OfType<EventRule>().OrderBy(r => r.Metadata.Name, StringComparer.Ordinal))
        {
            Console.WriteLine($"{rule.Metadata.Name}: {string.Join(" & ", rule.Prefilter?.Conditions.Select(c => string.Join(" | ", c.Select(a => a.ToString()))) ?? new[] { "-" })}");
        }
    }

    private static bool HasValue(PrefilterField field, EcsEvent e) =>
        field.ReadSingle?.Invoke(e) is not null || field.ReadArray?.Invoke(e) is { Length: > 0 } || field.HasValue?.Invoke(e) == true
        || (field.Overflow is { } overflow && e.Overflow.GetStrings(overflow).Length > 0);

    /// <summary>`-- --breakdown`: how the engine's time splits between finding candidates and running them.</summary>
    public static void Breakdown()
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var rules = Rules.Generated.DetectionRuleCatalog.All.OfType<EventRule>().ToArray();
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var candidates = events.Select(e => rules.Where(r => (r.EventCategories.Count == 0 || r.EventCategories.Any(c => e.Event?.Category?.Contains(c) == true)) && (r.Prefilter?.Admits(e) ?? true)).ToArray()).ToArray();
        var matchedCandidates = candidates.Select((c, i) => c.Count(r => r.MatchesCondition(events[i]))).Sum();
        var totalCandidates = candidates.Sum(c => c.Length);
        var matches = new System.Collections.Generic.List<EventRule>(64);
        double bestEngine = double.MaxValue, bestCandidates = double.MaxValue;
        for (var pass = 0; pass < 200; pass++)
        {
            var watch = Stopwatch.StartNew();
            BenchmarkPasses.MatchAll(events, engine, matches);
            bestEngine = Math.Min(bestEngine, watch.Elapsed.TotalMicroseconds / events.Length);
            watch.Restart();
            var hits = 0;
            for (var i = 0; i < events.Length; i++) { foreach (var r in candidates[i]) { hits += r.MatchesCondition(events[i]) ? 1 : 0; } }
            bestCandidates = Math.Min(bestCandidates, watch.Elapsed.TotalMicroseconds / events.Length);
        }

        Console.WriteLine($"engine {bestEngine:F3} us/event; running its {(double)totalCandidates / events.Length:F1} candidates/event alone {bestCandidates:F3} us/event "
            + $"({(double)matchedCandidates / events.Length:F2} of them match); finding candidates ~{bestEngine - bestCandidates:F3} us/event");
    }

    /// <summary>`-- --candidates`: which rules are candidates most often without matching (where prefilters are weak),
    /// and what reading and probing each indexed field costs (one index per field over every rule).</summary>
    public static void Candidates()
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var rules = Rules.Generated.DetectionRuleCatalog.All.OfType<EventRule>().ToArray();
        var rows = rules.Select(r =>
        {
            var candidate = events.Count(e => (r.EventCategories.Count == 0 || r.EventCategories.Any(c => e.Event?.Category?.Contains(c) == true)) && (r.Prefilter?.Admits(e) ?? true));
            var matched = events.Count(e => r.Matches(e));
            return (Rule: r, Candidate: candidate, Matched: matched);
        }).Where(t => t.Candidate > t.Matched).OrderByDescending(t => t.Candidate - t.Matched).ToArray();
        Console.WriteLine($"{rows.Sum(t => t.Candidate - t.Matched) / (double)events.Length:F2} failing candidates/event from {rows.Length} rules");
        foreach (var t in rows.Take(40))
        {
            Console.WriteLine($"{(t.Candidate - t.Matched) / (double)events.Length,6:F3} fail/event {t.Matched,5} matches  {t.Rule.Metadata.Name} [{string.Join(",", t.Rule.EventCategories)}] {string.Join(" | ", t.Rule.Prefilter?.Conditions.Select(c => string.Join(",", c.Select(a => a.ToString()).Take(3)) + (c.Count > 3 ? $" +{c.Count - 3}" : "")) ?? Array.Empty<string>())}");
        }
    }

    /// <summary>`-- --indexes`: per category, what reading and probing each field index of its dispatch group costs.</summary>
    public static void Indexes()
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var engine = new RuleEngine(Rules.Generated.DetectionRuleCatalog.All);
        var words = new ulong[4096];
        foreach (var category in events.Select(e => e.Event!.Category![0]!).Distinct())
        {
            var ofCategory = events.Where(e => e.Event!.Category![0] == category).ToArray();
            var group = engine.GroupFor(category);
            // Warm up first: the timed loops below are short, tier-0 code would dominate them.
            for (var pass = 0; pass < 300; pass++)
            {
                foreach (var index in group.Indexes) { foreach (var e in ofCategory) { index.Collect(e, words); } }
            }

            System.Threading.Thread.Sleep(300);
            var costs = group.Indexes.Select(index =>
            {
                var best = double.MaxValue;
                for (var pass = 0; pass < 50; pass++)
                {
                    var watch = Stopwatch.StartNew();
                    foreach (var e in ofCategory) { index.Collect(e, words); }
                    best = Math.Min(best, watch.Elapsed.TotalMicroseconds * 1000 / ofCategory.Length);
                }

                return (index.Path, Nanoseconds: best);
            }).OrderByDescending(t => t.Nanoseconds).ToArray();
            Console.WriteLine($"{category}: {group.Indexes.Count()} field indexes, {group.Slots} slots, {costs.Sum(c => c.Nanoseconds):F0} ns/event in total");
            foreach (var (path, ns) in costs.Take(15))
            {
                Console.WriteLine($"  {ns,8:F1} ns  {path}");
            }
        }
    }

    public static void Run()
    {
        var events = BenchmarkPasses.ReadAhead(RealisticEvents.Ndjson(2_000));
        var rules = Rules.Generated.DetectionRuleCatalog.All.OfType<EventRule>().ToArray();
        var timings = new (EventRule Rule, double Microseconds, int Matches)[rules.Length];
        for (var r = 0; r < rules.Length; r++)
        {
            var rule = rules[r];
            foreach (var e in events) { rule.Matches(e); }
            var watch = Stopwatch.StartNew();
            var matches = 0;
            foreach (var e in events) { matches += rule.Matches(e) ? 1 : 0; }
            timings[r] = (rule, watch.Elapsed.TotalMicroseconds, matches);
        }

        // What the engine runs per event: the rules of the event's categories whose prefilter admits it (or that have none).
        double candidates = 0, unfiltered = 0;
        foreach (var e in events)
        {
            foreach (var rule in rules)
            {
                var inCategory = rule.EventCategories.Count == 0 || rule.EventCategories.Any(c => e.Event?.Category?.Contains(c) == true);
                if (inCategory && rule.Prefilter is null)
                {
                    unfiltered++;
                }

                if (inCategory && (rule.Prefilter?.Admits(e) ?? true))
                {
                    candidates++;
                }
            }
        }

        Console.WriteLine($"{rules.Count(r => r.Prefilter is not null)} of {rules.Length} rules have a prefilter; per event the engine runs "
            + $"{candidates / events.Length:F1} candidates, {unfiltered / events.Length:F1} of them rules without a prefilter");
        foreach (var rule in rules.Where(r => r.Prefilter is null))
        {
            Console.WriteLine($"  no prefilter: {rule.Metadata.Name} [{string.Join(",", rule.EventCategories)}]");
        }

        Console.WriteLine($"total {timings.Sum(t => t.Microseconds) / events.Length:F1} us per event over {rules.Length} rules (no dispatch)");
        foreach (var t in timings.OrderByDescending(t => t.Microseconds).Take(25))
        {
            Console.WriteLine($"{t.Microseconds / events.Length,10:F3} us/event  {t.Matches,5} matches  {t.Rule.Metadata.Name}  [{string.Join(",", t.Rule.EventCategories)}] prefilter={(t.Rule.Prefilter is null ? "-" : string.Join(",", t.Rule.Prefilter.Atoms.Select(a => a.Field.Path).Distinct()))}");
        }
    }
}
