using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --seeds-stopwatch [rounds]   (fastest pass; busy machines)
if (args.Length > 0 && args[0] == "--seeds-stopwatch")
{
    Rules.Benchmarks.SeedMatcherStopwatch.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Rules.Benchmarks.SeedMatcherBenchmarks).Assembly).Run(args);
