using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Runtime;

namespace Rules.Tests.Runtime;

public class CommandLineTests
{
    private static readonly string SamplesPath = Path.Combine(TestPaths.RepoRoot, "rules", "samples", "events.ndjson");

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new MemoryStream();
        var error = new StringWriter();
        var exit = await RulesCommandLine.RunAsync(args, Rules.Generated.DetectionRuleCatalog.All, new StringWriter(), error,
            () => new MemoryStream(), () => output);
        return (exit, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    [Fact]
    public async Task Scan_writes_one_alert_document_per_line_and_a_summary()
    {
        var (exit, output, error) = await RunAsync("scan", SamplesPath);

        Assert.Equal(0, exit);
        var alerts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        // Five seed rules, two positive sample events each (see SeedRuleTests).
        Assert.Equal(10, alerts.Count);
        Assert.All(alerts, a => Assert.Equal("signal", a.GetProperty("event").GetProperty("kind").GetString()));
        Assert.Equal(10, alerts.Select(a => a.GetProperty("kibana.alert.uuid").GetString()).Distinct().Count());
        Assert.Contains("Scanned 28 events (0 bad lines skipped): 10 alerts.", error);
        Assert.Contains("  high: ", error);
        Assert.Contains("Persistence via WMI Standard Registry Provider", error);
    }

    [Fact]
    public async Task Scanning_twice_gives_identical_alerts()
    {
        var first = await RunAsync("scan", SamplesPath, "--quiet");
        var second = await RunAsync("scan", SamplesPath, "--quiet");
        Assert.Equal(first.Output, second.Output);
        Assert.Equal(string.Empty, first.Error);
    }

    [Fact]
    public async Task Plain_progress_reports_events_alerts_and_acknowledgements()
    {
        var (_, _, error) = await RunAsync("scan", SamplesPath, "--progress", "plain");
        Assert.Contains("progress: 28 events,", error);
        Assert.Contains("10 alerts", error);
    }

    [Fact]
    public async Task A_missing_file_is_a_clear_error()
    {
        var (exit, _, error) = await RunAsync("scan", "/no/such/file.ndjson");
        Assert.Equal(2, exit);
        Assert.Contains("no such file", error);
    }

    /// <summary>
    /// The real command line in a child process, fed events on standard input without pause and killed while it
    /// writes alerts to a file: every alert it acknowledged (reported after a flush to disk) must be in the file as a
    /// complete line; only a last, unacknowledged line may be cut.
    /// </summary>
    [Fact]
    public async Task A_killed_scan_never_loses_an_acknowledged_alert()
    {
        var directory = Path.Combine(Path.GetTempPath(), "rules-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var alertsPath = Path.Combine(directory, "alerts.ndjson");
        var positives = File.ReadLines(SamplesPath)
            .Where(line => !line.Contains("\"near-miss", StringComparison.Ordinal) && !line.Contains("\"noise-", StringComparison.Ordinal))
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToList();
        Assert.Equal(10, positives.Count);

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "rules.dll"), "scan", "-", "--output", alertsPath, "--progress", "plain" })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        long acknowledged = 0;
        var lastProgress = string.Empty;
        var sawEnough = new TaskCompletionSource();
        var errorReader = Task.Run(async () =>
        {
            while (await child.StandardError.ReadLineAsync() is { } line)
            {
                lastProgress = line;
                var at = line.IndexOf(" acknowledged", StringComparison.Ordinal);
                if (line.StartsWith("progress:", StringComparison.Ordinal) && at > 0)
                {
                    var number = line[..at];
                    number = number[(number.LastIndexOf(' ') + 1)..];
                    Volatile.Write(ref acknowledged, long.Parse(number, System.Globalization.CultureInfo.InvariantCulture));
                    if (Volatile.Read(ref acknowledged) >= 2_000)
                    {
                        sawEnough.TrySetResult();
                    }
                }
            }
        });

        // Feed without pause until the child has acknowledged enough alerts, then kill it mid-stream.
        var feeding = Task.Run(async () =>
        {
            var time = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
            var buffer = new StringBuilder();
            try
            {
                for (var i = 0; !sawEnough.Task.IsCompleted && i < 5_000_000; i++)
                {
                    var e = positives[i % positives.Count];
                    // Ten seconds apart, so max_signals (100 per 5 minutes) never throttles.
                    e["@timestamp"] = time.AddSeconds(10 * i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                    buffer.Append(e.ToJsonString()).Append('\n');
                    if (buffer.Length > 64 * 1024)
                    {
                        await child.StandardInput.WriteAsync(buffer.ToString());
                        buffer.Clear();
                    }
                }
            }
            catch (IOException)
            {
                // The child is gone.
            }
        });

        var finished = await Task.WhenAny(sawEnough.Task, child.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(3)));
        Assert.True(finished == sawEnough.Task, "The child never acknowledged enough alerts; last line: " + lastProgress);
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        await feeding;
        await errorReader;

        try
        {
            var text = File.ReadAllText(alertsPath);
            var lines = text.Split('\n');
            var complete = lines.Take(lines.Length - 1).ToList();
            Assert.True(complete.Count >= Volatile.Read(ref acknowledged), $"{complete.Count} complete lines on disk, {acknowledged} acknowledged");
            foreach (var line in complete)
            {
                Assert.Equal("signal", JsonDocument.Parse(line).RootElement.GetProperty("event").GetProperty("kind").GetString());
            }

            // The child was killed mid-stream, not at the end: it was still being fed.
            Assert.False(feeding.IsFaulted);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
