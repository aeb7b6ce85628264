using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --seeds-stopwatch [rounds]   (fastest pass; busy machines)
if (args.Length > 0 && args[0] == "--seeds-stopwatch")
{
    Rules.Benchmarks.SeedMatcherStopwatch.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30);
    return;
}

// Median and minimum next to the mean: on a shared VM the mean carries other tenants' noise (docs/benchmarks.md).
var config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min);
BenchmarkSwitcher.FromAssembly(typeof(Rules.Benchmarks.SeedMatcherBenchmarks).Assembly).Run(args, config);
