namespace Rules.Tests;

/// <summary>Locates the repository and the shared folder beside it (../shared), from wherever the tests run.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> RepoRootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rules.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find Rules.sln above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => RepoRootPath.Value;

    /// <summary>../shared beside the repository; CI always has it.</summary>
    public static string Shared
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            if (!Directory.Exists(path))
            {
                throw new DirectoryNotFoundException($"The shared folder is missing: expected {path} beside the repository.");
            }

            return path;
        }
    }

    public static string Corpus => Path.Combine(Shared, "corpus", "elastic-detection-rules");

    public static string Conformance => Path.Combine(Shared, "conformance");

    public static string Schemas => Path.Combine(Shared, "schemas");
}
