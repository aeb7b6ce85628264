namespace Rules.Tests;

/// <summary>
/// Compares text with a committed snapshot under tests/Rules.Tests/Snapshots. Set RULES_UPDATE_SNAPSHOTS=1 to
/// rewrite the snapshots after an intended change (then review the diff and commit it).
/// </summary>
public static class Snapshot
{
    public static void AssertMatches(string name, string actual)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "tests", "Rules.Tests", "Snapshots", name);
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("RULES_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Snapshot {path} is missing: run the tests with RULES_UPDATE_SNAPSHOTS=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }
}
