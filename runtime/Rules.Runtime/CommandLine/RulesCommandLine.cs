using Rules.Runtime.Reading;
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Rules.Runtime;

/// <summary>
/// The command line a rules project's entry point hands its compiled catalog to:
/// <c>scan &lt;file|-&gt;</c> runs the rules over NDJSON events and prints alerts; <c>list</c> shows the rules.
/// </summary>
public static class RulesCommandLine
{
    public static Task<int> RunAsync(string[] args, IReadOnlyList<CompiledRule> rules) =>
        RunAsync(args, rules, Console.Out, Console.Error, Console.OpenStandardInput, Console.OpenStandardOutput);

    /// <summary>For tests and hosts: the same command line over given streams.</summary>
    public static async Task<int> RunAsync(
        string[] args,
        IReadOnlyList<CompiledRule> rules,
        TextWriter output,
        TextWriter error,
        Func<Stream> openStandardInput,
        Func<Stream> openStandardOutput,
        CancellationToken cancellationToken = default)
    {
        var input = new Argument<string>("input")
        {
            Description = "NDJSON events to scan: a file (gzip is detected), or - for standard input.",
        };
        var alertsFile = new Option<string?>("--output", "-o")
        {
            Description = "Append alerts to this NDJSON file instead of writing them to standard output.",
        };
        var quiet = new Option<bool>("--quiet", "-q")
        {
            Description = "Print no summary on standard error.",
        };
        var progress = new Option<string>("--progress")
        {
            Description = "Progress on standard error: auto (a live line on a terminal, none otherwise), plain (a line every second), none.",
            DefaultValueFactory = _ => "auto",
        };
        progress.AcceptOnlyFromAmong("auto", "plain", "none");
        var scan = new Command("scan", "Run the compiled rules over ECS events (NDJSON) and print one alert per line.")
        {
            input,
            alertsFile,
            quiet,
            progress,
        };
        scan.SetAction((parseResult, cancellationToken) => ScanAsync(
            rules,
            parseResult.GetValue(input)!,
            parseResult.GetValue(alertsFile),
            parseResult.GetValue(quiet),
            parseResult.GetValue(progress)!,
            error,
            openStandardInput,
            openStandardOutput,
            cancellationToken));

        var list = new Command("list", "List the compiled rules with severity, risk score and MITRE ATT&CK mapping.");
        list.SetAction(_ =>
        {
            WriteRuleList(rules, output);
            return 0;
        });

        var root = new RootCommand("Detection rules compiled at build time into matchers over ECS events.")
        {
            scan,
            list,
        };
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ScanAsync(
        IReadOnlyList<CompiledRule> rules,
        string inputPath,
        string? alertsFile,
        bool quiet,
        string progressMode,
        TextWriter error,
        Func<Stream> openStandardInput,
        Func<Stream> openStandardOutput,
        CancellationToken cancellationToken)
    {
        if (inputPath != "-" && !File.Exists(inputPath))
        {
            await error.WriteLineAsync($"error: no such file: {inputPath}").ConfigureAwait(false);
            return 2;
        }

        var sink = alertsFile is null
            ? new NdjsonAlertSink(openStandardOutput(), ownsStream: false, durable: false, name: "stdout")
            : NdjsonAlertSink.ToFile(alertsFile);
        var summary = new ScanSummary();
        var options = new EventReaderOptions
        {
            OnBadLine = bad =>
            {
                summary.BadLine();
                if (!quiet)
                {
                    error.WriteLine($"{inputPath}:{bad.LineNumber}: skipped ({bad.Reason}): {bad.Message}");
                }
            },
        };

        var input = inputPath == "-" ? openStandardInput() : new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var progress = ScanProgress.Create(progressMode, quiet, error, inputPath == "-" ? null : input);
        var detector = new Detector(rules, new DetectorOptions { Name = "scan" });
        var alerts = new List<Alert>();
        var interrupted = false;
        IReadOnlyList<SinkStatistics> sinkStatistics;
        await using (var dispatcher = new AlertDispatcher(new IAlertSink[] { sink }, new AlertDispatcherOptions { Name = "scan" }))
        {
            dispatcher.Acknowledged += (_, count) => progress.Acknowledged(count);
            using (var reader = new EventReader(input, options, leaveOpen: inputPath == "-"))
            {
                foreach (var e in reader.ReadEvents())
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        // Interrupted (Ctrl+C): stop reading, but what was read is not lost (below).
                        interrupted = true;
                        break;
                    }

                    detector.Process(e, alerts);
                    // Publishing is not interrupted: an alert half published would be published twice below.
                    await PublishAsync(alerts, dispatcher, summary, CancellationToken.None).ConfigureAwait(false);
                    progress.Tick(detector.Events, summary.Alerts);
                }

                // End of input or interruption: held (suppressed) alerts and pending threshold runs go out.
                detector.Complete(alerts);
                await PublishAsync(alerts, dispatcher, summary, CancellationToken.None).ConfigureAwait(false);
            }

            await dispatcher.CompleteAsync().ConfigureAwait(false);
            sinkStatistics = dispatcher.Sinks;
        }

        await sink.DisposeAsync().ConfigureAwait(false);
        progress.Done(detector.Events, summary.Alerts);
        summary.Failed = sinkStatistics.Sum(s => s.Failed);
        summary.Events = detector.Events;
        summary.Untimed = detector.UntimedEvents;
        summary.Suppressed = detector.RuleCounters.Sum(c => c.SuppressedCount);
        summary.Throttled = detector.RuleCounters.Sum(c => c.ThrottledCount);
        summary.Evicted = detector.RuleCounters.Sum(c => c.EvictedCount);
        if (!quiet)
        {
            summary.WriteTo(error);
        }

        if (interrupted)
        {
            await error.WriteLineAsync("Interrupted: the events read so far were scanned and their alerts delivered.").ConfigureAwait(false);
            return 130; // the shell's code for a run ended by SIGINT
        }

        return summary.Failed > 0 ? 1 : 0;
    }

    private static async ValueTask PublishAsync(List<Alert> alerts, AlertDispatcher dispatcher, ScanSummary summary, CancellationToken cancellationToken)
    {
        foreach (var alert in alerts)
        {
            summary.Alert(alert);
            await dispatcher.PublishAsync(alert, cancellationToken).ConfigureAwait(false);
        }

        alerts.Clear();
    }

    private static void WriteRuleList(IReadOnlyList<CompiledRule> rules, TextWriter output)
    {
        output.WriteLine($"{rules.Count} rules");
        foreach (var rule in rules.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal))
        {
            var m = rule.Metadata;
            output.WriteLine();
            output.WriteLine($"{m.Name}");
            output.WriteLine($"  id {m.RuleId}  type {m.Type}  severity {m.Severity}  risk {m.RiskScore}  v{m.Version}  ({m.SourceFile})");
            foreach (var threat in m.Threat)
            {
                var techniques = threat.Techniques.Select(t =>
                    t.Subtechniques.Count == 0 ? t.Technique.Id : t.Technique.Id + " (" + string.Join(", ", t.Subtechniques.Select(s => s.Id)) + ")");
                output.WriteLine($"  {threat.Tactic.Id} {threat.Tactic.Name}: {string.Join(", ", techniques)}");
            }
        }
    }

    private sealed class ScanSummary
    {
        private readonly Dictionary<string, (RuleMetadata Rule, long Count)> _byRule = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _bySeverity = new(StringComparer.Ordinal);
        private long _badLines;

        public long Failed { get; set; }

        public long Events { get; set; }

        public long Untimed { get; set; }

        public long Suppressed { get; set; }

        public long Throttled { get; set; }

        public long Evicted { get; set; }

        public long Alerts { get; private set; }

        public void BadLine() => Interlocked.Increment(ref _badLines);

        public void Alert(Alert alert)
        {
            Alerts++;
            var rule = alert.Rule;
            _byRule[rule.RuleId] = _byRule.TryGetValue(rule.RuleId, out var entry) ? (rule, entry.Count + 1) : (rule, 1);
            _bySeverity[alert.Severity] = _bySeverity.GetValueOrDefault(alert.Severity) + 1;
        }

        public void WriteTo(TextWriter error)
        {
            error.WriteLine($"Scanned {Events} events ({Interlocked.Read(ref _badLines)} bad lines skipped): {Alerts} alerts.");
            foreach (var severity in new[] { "critical", "high", "medium", "low" })
            {
                if (_bySeverity.TryGetValue(severity, out var count))
                {
                    error.WriteLine($"  {severity}: {count}");
                }
            }

            foreach (var (rule, count) in _byRule.Values.OrderByDescending(v => v.Count).ThenBy(v => v.Rule.Name, StringComparer.Ordinal))
            {
                error.WriteLine($"  {count,6}  {rule.Severity,-8} {rule.Name}");
            }

            if (Suppressed > 0)
            {
                error.WriteLine($"  {Suppressed} duplicate alerts suppressed (alert_suppression).");
            }

            if (Throttled > 0)
            {
                error.WriteLine($"  {Throttled} alerts over max_signals per interval not raised.");
            }

            if (Untimed > 0)
            {
                error.WriteLine($"  {Untimed} matches skipped: the event has no @timestamp (or timestamp_override) value.");
            }

            if (Evicted > 0)
            {
                error.WriteLine($"  {Evicted} new_terms/threshold state entries evicted at their bound.");
            }

            if (Failed > 0)
            {
                error.WriteLine($"  {Failed} alerts could not be delivered.");
            }
        }
    }
}
