using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --filter '*'
// Median and minimum next to the mean: on a shared VM the mean carries other tenants' noise (docs/benchmarks.md).
var config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median, StatisticColumn.Min);
BenchmarkSwitcher.FromAssembly(typeof(Rules.Benchmarks.SeedMatcherBenchmarks).Assembly).Run(args, config);
