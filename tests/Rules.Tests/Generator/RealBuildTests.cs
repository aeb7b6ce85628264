using System.Diagnostics;
using Xunit.Abstractions;

namespace Rules.Tests.Generator;

/// <summary>
/// A throwaway consumer project, built with the real `dotnet build`: the way a user meets Rules. Proves the build
/// items, the analyzer packaging and the located errors (<c>file(line,col): error ID: message</c>).
/// </summary>
[Collection(RealBuildCollection.Name)]
public sealed class RealBuildTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _directory;

    public RealBuildTests(ITestOutputHelper output)
    {
        _output = output;
        _directory = Path.Combine(Path.GetTempPath(), "rules-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(_directory, "rules"));
        var targets = Path.Combine(TestPaths.RepoRoot, "generator", "Rules.targets");
        File.WriteAllText(Path.Combine(_directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <Import Project="{targets}" />
              <ItemGroup>
                <DetectionRule Include="rules/**/*.toml" />
                <DetectionSchema Include="fields.yml" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_directory, "Program.cs"), """
            var rules = Rules.Generated.DetectionRuleCatalog.All;
            var e = new Rules.Runtime.EcsEvent
            {
                Event = new() { Category = new[] { "process" } },
                Process = new() { Name = "cmd.exe" },
            };
            e.Overflow.Set("acme.tenant", "blue");
            foreach (var rule in rules)
            {
                System.Console.WriteLine($"{rule.Metadata.Name}: {((Rules.Runtime.EventRule)rule).Matches(e)}");
            }
            """);
        File.WriteAllText(Path.Combine(_directory, "fields.yml"), """
            fields:
              - name: acme.tenant
                type: keyword
            """);
        // The consumer sits outside the repository: give it the repository's package source.
        File.Copy(Path.Combine(TestPaths.RepoRoot, "nuget.config"), Path.Combine(_directory, "nuget.config"));
    }

    [Fact]
    public void Build_succeeds_and_the_compiled_rule_runs()
    {
        WriteRule("cmd.toml", "process where process.name == \"cmd.exe\" and acme.tenant == \"blue\"");

        var build = Dotnet("build", "-c", "Debug");
        Assert.True(build.ExitCode == 0, build.Output);

        var run = Dotnet("run", "--no-build", "-c", "Debug");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Consumer Rule: True", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_rule_fails_the_build_with_an_error_located_in_the_rule_file()
    {
        WriteRule("cmd.toml", "process where process.nmae == \"cmd.exe\"");

        var build = Dotnet("build", "-c", "Debug");

        Assert.NotEqual(0, build.ExitCode);
        var ruleFile = Path.Combine(_directory, "rules", "cmd.toml");
        // Line 8, column 15: the misspelt field inside the query.
        Assert.Contains($"{ruleFile}(8,15): error DR6001:", build.Output, StringComparison.Ordinal);
    }

    private void WriteRule(string name, string query) =>
        File.WriteAllText(Path.Combine(_directory, "rules", name), $"""
            [rule]
            author = ["Test"]
            description = "A consumer's rule."
            name = "Consumer Rule"
            risk_score = 21
            rule_id = "00000000-0000-0000-0000-00000000c0de"
            query = '''
            {query}
            '''
            severity = "low"
            type = "eql"
            language = "eql"
            """);

    private (int ExitCode, string Output) Dotnet(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (arguments[0] == "build")
        {
            start.ArgumentList.Add("-nodeReuse:false");
            start.ArgumentList.Add("-p:UseSharedCompilation=false");
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet " + string.Join(' ', arguments) + " did not finish in 5 minutes.");
        }

        var output = stdout.Result + stderr.Result;
        _output.WriteLine($"dotnet {string.Join(' ', arguments)} -> {process.ExitCode}\n{output}");
        return (process.ExitCode, output);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>Real builds share the repository's generator and runtime outputs: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealBuildCollection
{
    public const string Name = "Real dotnet builds";
}
