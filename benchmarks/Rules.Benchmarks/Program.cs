using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Rules.Benchmarks.SeedMatcherBenchmarks).Assembly).Run(args);
