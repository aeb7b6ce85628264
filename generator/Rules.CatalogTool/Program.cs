using System;
using System.IO;
using System.Text;

namespace Rules.CatalogTool;

/// <summary>
/// dotnet run --project generator/Rules.CatalogTool -- --schemas ../shared/schemas --out . [--check] [--coverage DIR]
/// Writes the field catalog and the ECS record under the repository root given by --out; --check only compares;
/// --coverage measures which field names the rules under DIR use that the catalog lacks.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string? schemas = null;
        string? output = null;
        string? corpus = null;
        var check = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--schemas" when i + 1 < args.Length:
                    schemas = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--coverage" when i + 1 < args.Length:
                    corpus = args[++i];
                    break;
                case "--check":
                    check = true;
                    break;
                default:
                    return Usage("unknown argument '" + args[i] + "'");
            }
        }

        if (schemas is null || output is null)
        {
            return Usage("--schemas and --out are required");
        }

        if (!Directory.Exists(schemas))
        {
            return Usage("the schemas folder " + Path.GetFullPath(schemas) + " does not exist");
        }

        var derived = CatalogDerivation.Derive(schemas, Path.Combine(output, CatalogDerivation.SupplementalRelativePath));
        var outputs = new[]
        {
            (Path.Combine(output, CatalogDerivation.FieldsTsvRelativePath), derived.FieldsTsv),
            (Path.Combine(output, CatalogDerivation.EcsEventRelativePath), derived.EcsEventSource),
        };

        var different = 0;
        foreach (var (path, text) in outputs)
        {
            var bytes = new UTF8Encoding(false).GetBytes(text);
            var same = File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes);
            if (check)
            {
                Console.WriteLine((same ? "up to date: " : "DIFFERS:    ") + path);
                different += same ? 0 : 1;
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, bytes);
                Console.WriteLine("wrote " + path);
            }
        }

        var s = derived.Statistics;
        Console.WriteLine($"ECS fields: {s.EcsFields}; integration fields: {s.IntegrationFields} (supplemental added {s.SupplementalFields}, shadowed by schema data {s.SupplementalShadowed})");
        foreach (var pair in s.IntegrationBySource)
        {
            Console.WriteLine($"  from {pair.Key}: {pair.Value}");
        }

        foreach (var pair in s.Skipped)
        {
            Console.WriteLine($"  skipped {pair.Value}: {pair.Key}");
        }

        if (corpus is not null)
        {
            CoverageReport.Measure(corpus, derived.Fields).Print(Console.Out);
        }

        return different == 0 ? 0 : 1;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine("Rules.CatalogTool: " + problem);
        Console.Error.WriteLine("usage: dotnet run --project generator/Rules.CatalogTool -- --schemas <../shared/schemas> --out <repository root> [--check] [--coverage <corpus>]");
        return 2;
    }
}
