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
        Func<Stream> openStandardOutput)
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
        var scan = new Command("scan", "Run the compiled rules over ECS events (NDJSON) and print one alert per line.")
        {
            input,
            alertsFile,
            quiet,
        };
        scan.SetAction((parseResult, cancellationToken) => ScanAsync(
            rules,
            parseResult.GetValue(input)!,
            parseResult.GetValue(alertsFile),
            parseResult.GetValue(quiet),
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
        return await root.Parse(args).InvokeAsync(configuration).ConfigureAwait(false);
    }

    private static async Task<int> ScanAsync(
        IReadOnlyList<CompiledRule> rules,
        string inputPath,
        string? alertsFile,
        bool quiet,
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

        var engine = new RuleEngine(rules);
        var matches = new List<EventRule>(rules.Count);
        await using (var dispatcher = new AlertDispatcher(new IAlertSink[] { sink }))
        {
            using var reader = inputPath == "-" ? new EventReader(openStandardInput(), options, leaveOpen: true) : EventReader.Open(inputPath, options);
            foreach (var e in reader.ReadEvents())
            {
                cancellationToken.ThrowIfCancellationRequested();
                summary.Event();
                matches.Clear();
                engine.Match(e, matches);
                if (matches.Count == 0)
                {
                    continue;
                }

                // The reader reuses its event object: an alert keeps its own copy.
                var snapshot = EventSnapshot.Copy(e);
                var now = DateTimeOffset.UtcNow;
                foreach (var rule in matches)
                {
                    summary.Alert(rule.Metadata);
                    await dispatcher.PublishAsync(new Alert(rule.Metadata, snapshot, now), cancellationToken).ConfigureAwait(false);
                }
            }

            await dispatcher.CompleteAsync().ConfigureAwait(false);
            summary.Failed = dispatcher.Sinks.Sum(s => s.Failed);
        }

        await sink.DisposeAsync().ConfigureAwait(false);
        if (!quiet)
        {
            summary.WriteTo(error);
        }

        return summary.Failed > 0 ? 1 : 0;
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
        private long _events;
        private long _badLines;
        private long _alerts;

        public long Failed { get; set; }

        public void Event() => _events++;

        public void BadLine() => Interlocked.Increment(ref _badLines);

        public void Alert(RuleMetadata rule)
        {
            _alerts++;
            _byRule[rule.RuleId] = _byRule.TryGetValue(rule.RuleId, out var entry) ? (rule, entry.Count + 1) : (rule, 1);
        }

        public void WriteTo(TextWriter error)
        {
            error.WriteLine($"Scanned {_events} events ({_badLines} bad lines skipped): {_alerts} alerts.");
            foreach (var severity in new[] { "critical", "high", "medium", "low" })
            {
                var count = _byRule.Values.Where(v => v.Rule.Severity == severity).Sum(v => v.Count);
                if (count > 0)
                {
                    error.WriteLine($"  {severity}: {count}");
                }
            }

            foreach (var (rule, count) in _byRule.Values.OrderByDescending(v => v.Count).ThenBy(v => v.Rule.Name, StringComparer.Ordinal))
            {
                error.WriteLine($"  {count,6}  {rule.Severity,-8} {rule.Name}");
            }

            if (Failed > 0)
            {
                error.WriteLine($"  {Failed} alerts could not be delivered.");
            }
        }
    }
}
