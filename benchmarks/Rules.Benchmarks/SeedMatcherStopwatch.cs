using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using Rules.Runtime;

namespace Rules.Benchmarks;

/// <summary>
/// A stopwatch harness for the seed matchers on a busy machine: the fastest of many passes, per rule and per
/// rule x event pair, and the whole of <see cref="SeedMatcherBenchmarks.AllFiveMatchersPerEvent"/>.
/// <c>dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --seeds-stopwatch [rounds]</c>.
/// </summary>
internal static class SeedMatcherStopwatch
{
    public static void Run(int rounds)
    {
        var events = SampleData.LoadSampleEvents();
        var rules = Rules.Generated.DetectionRuleCatalog.All.Cast<EventRule>().ToArray();
        var engine = new RuleEngine(rules);
        var matches = new System.Collections.Generic.List<EventRule>(16);

        // Warm up every path to tier-1 code: by time, not count, because on a loaded machine the background JIT
        // that compiles tier 1 can lag by seconds, and a measurement of tier-0 code reads several times slower.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(4))
        {
            BenchmarkPasses.MatchEachRule(events, rules);
            BenchmarkPasses.MatchAll(events, engine, matches);
            foreach (var rule in rules)
            {
                foreach (var e in events)
                {
                    rule.Matches(e);
                }
            }

            Thread.Sleep(0);
        }

        const int passesPerRound = 2000;
        var allFive = Fastest(rounds, passesPerRound, () => BenchmarkPasses.MatchEachRule(events, rules)) / events.Length;
        var viaEngine = Fastest(rounds, passesPerRound, () => BenchmarkPasses.MatchAll(events, engine, matches)) / events.Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"AllFiveMatchersPerEvent  fastest {allFive,7:F1} ns/event"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EnginePerEvent           fastest {viaEngine,7:F1} ns/event"));

        Console.WriteLine();
        Console.WriteLine("Per rule, over all 28 events (ns/event), then the costliest rule x event pairs (ns/call):");
        var pairs = new System.Collections.Generic.List<(double Ns, string Rule, int Event, bool Match)>();
        foreach (var rule in rules)
        {
            var single = new[] { rule };
            var perEvent = Fastest(rounds, passesPerRound, () => BenchmarkPasses.MatchEachRule(events, single)) / events.Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {perEvent,7:F1}  {rule.Metadata.Name}"));
            for (var e = 0; e < events.Length; e++)
            {
                var one = new[] { events[e] };
                var ns = Fastest(Math.Max(3, rounds / 3), 500, () => BenchmarkPasses.MatchEachRule(one, single));
                pairs.Add((ns, rule.Metadata.Name, e, rule.Matches(events[e])));
            }
        }

        foreach (var pair in pairs.OrderByDescending(p => p.Ns).Take(40))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {pair.Ns,7:F1}  event {pair.Event,2} ({string.Join(",", events[pair.Event].Event?.Category ?? Array.Empty<string>())}){(pair.Match ? " match" : string.Empty),-6}  {pair.Rule}"));
        }
    }

    /// <summary>The fastest round's time per pass, in nanoseconds.</summary>
    private static double Fastest(int rounds, int passes, Func<int> pass)
    {
        var best = double.MaxValue;
        var sink = 0;
        for (var r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            for (var p = 0; p < passes; p++)
            {
                sink += pass();
            }

            watch.Stop();
            best = Math.Min(best, watch.Elapsed.TotalNanoseconds / passes);
        }

        GC.KeepAlive(sink);
        return best;
    }
}
