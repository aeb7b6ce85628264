using System;
using System.Globalization;

namespace Rules.Runtime;

/// <summary>
/// A rule's schedule carried into event time: <c>interval</c> (how often Kibana runs the rule; default 5m), the
/// look-back (<c>from</c>, such as now-6m: each run searches [run time - look-back, run time]; default now-6m) and
/// <c>max_signals</c> (alerts per run; default 100). Defaults are Kibana's rule defaults.
/// </summary>
public sealed class RuleTiming
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromMinutes(6);
    public const int DefaultMaxSignals = 100;

    private RuleTiming(TimeSpan interval, TimeSpan lookBack, int maxSignals)
    {
        Interval = interval;
        LookBack = lookBack;
        MaxSignals = maxSignals;
    }

    public TimeSpan Interval { get; }

    public TimeSpan LookBack { get; }

    public int MaxSignals { get; }

    public static RuleTiming For(RuleMetadata rule)
    {
        var interval = TryParseDuration(rule.Interval, out var i) && i > TimeSpan.Zero ? i : DefaultInterval;
        var lookBack = TryParseRelative(rule.From, out var l) && l > TimeSpan.Zero ? l : DefaultLookBack;
        // Kibana never searches less than one interval back: a shorter from would leave gaps between runs.
        if (lookBack < interval)
        {
            lookBack = interval;
        }

        return new RuleTiming(interval, lookBack, rule.MaxSignals > 0 ? rule.MaxSignals : DefaultMaxSignals);
    }

    /// <summary>The start of the interval-aligned bucket (epoch-aligned) holding <paramref name="time"/>.</summary>
    public DateTimeOffset BucketStart(DateTimeOffset time) => Floor(time, Interval);

    public static DateTimeOffset Floor(DateTimeOffset time, TimeSpan size)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var floored = ticks - (((ticks % size.Ticks) + size.Ticks) % size.Ticks);
        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + floored, TimeSpan.Zero);
    }

    /// <summary>A duration such as 30s, 5m, 1h, 7d (also w); false for anything else.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return false;
        }

        text = text.Trim();
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        duration = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            'w' => TimeSpan.FromDays(7 * amount),
            _ => TimeSpan.MinValue,
        };
        return duration != TimeSpan.MinValue;
    }

    /// <summary>Date math relative to now: now-6m gives 6 minutes; now gives zero.</summary>
    public static bool TryParseRelative(string? text, out TimeSpan lookBack)
    {
        lookBack = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text == "now")
        {
            lookBack = TimeSpan.Zero;
            return true;
        }

        return text.StartsWith("now-", StringComparison.Ordinal) && TryParseDuration(text.Substring(4), out lookBack);
    }
}
