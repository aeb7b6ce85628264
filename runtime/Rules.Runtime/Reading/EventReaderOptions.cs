using System;
using System.Collections.Generic;
using System.Threading;

namespace Rules.Runtime.Reading;

/// <summary>Limits and behaviour of <see cref="EventReader"/> (docs/event-record.md, "Reader").</summary>
public sealed class EventReaderOptions
{
    /// <summary>Longest accepted line in bytes (without the newline); longer lines are skipped and reported. 1 MiB.</summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;

    /// <summary>Deepest accepted JSON nesting (objects and arrays, the document itself is depth 1). 32.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>
    /// Cap on distinct non-ECS field names the reader registers process-wide, so hostile input with ever-new keys cannot
    /// grow memory without bound. Beyond it, unknown fields are still kept, per event, as raw JSON text.
    /// </summary>
    public int MaxRegisteredFields { get; init; } = 100_000;

    /// <summary>
    /// True (default): <see cref="EventReader.ReadEvents"/> yields one <see cref="EcsEvent"/> instance, cleared and refilled
    /// for every line, so the consumer must not keep it past the next iteration. False: a fresh instance per line.
    /// </summary>
    public bool ReuseEvent { get; init; } = true;

    /// <summary>Called for every line that yields no event (with its 1-based line number and reason).</summary>
    public Action<BadLine>? OnBadLine { get; init; }
}

/// <summary>Why a line produced no event.</summary>
public enum BadLineReason
{
    /// <summary>Not valid JSON (syntax, invalid UTF-8, several values on one line).</summary>
    InvalidJson,

    /// <summary>Valid JSON but not an object (an array, a string, a number ...).</summary>
    NotAnObject,

    /// <summary>The last line ended without a newline and is not valid JSON: the input was cut off.</summary>
    Truncated,

    /// <summary>Longer than <see cref="EventReaderOptions.MaxLineBytes"/>.</summary>
    LineTooLong,

    /// <summary>Nested deeper than <see cref="EventReaderOptions.MaxDepth"/>.</summary>
    TooDeep,
}

/// <summary>A line that produced no event.</summary>
public readonly record struct BadLine(long LineNumber, BadLineReason Reason, string Message);

/// <summary>Counters of one reader; safe to read while reading on another thread (values may lag).</summary>
public sealed class ReadStatistics
{
    private readonly long[] _badLinesByReason = new long[Enum.GetValues<BadLineReason>().Length];
    private long _lines;
    private long _events;
    private long _emptyLines;
    private long _badValues;
    private long _arraysForSingleValuedFields;
    private long _unregisteredFields;

    /// <summary>Lines seen, including empty and bad ones.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    public long Events => Interlocked.Read(ref _events);

    /// <summary>Blank lines (skipped silently, not bad).</summary>
    public long EmptyLines => Interlocked.Read(ref _emptyLines);

    public long BadLines
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _badLinesByReason.Length; i++)
            {
                total += Interlocked.Read(ref _badLinesByReason[i]);
            }

            return total;
        }
    }

    /// <summary>Values that did not fit their field's type (kept as raw JSON text in overflow).</summary>
    public long BadValues => Interlocked.Read(ref _badValues);

    /// <summary>Single-valued ECS fields given several values (first kept in the property, all in overflow).</summary>
    public long ArraysForSingleValuedFields => Interlocked.Read(ref _arraysForSingleValuedFields);

    /// <summary>Unknown fields kept as raw text because <see cref="EventReaderOptions.MaxRegisteredFields"/> was reached.</summary>
    public long UnregisteredFields => Interlocked.Read(ref _unregisteredFields);

    public long BadLinesFor(BadLineReason reason) => Interlocked.Read(ref _badLinesByReason[(int)reason]);

    public IReadOnlyDictionary<BadLineReason, long> BadLinesByReason
    {
        get
        {
            var result = new Dictionary<BadLineReason, long>();
            foreach (var reason in Enum.GetValues<BadLineReason>())
            {
                var count = BadLinesFor(reason);
                if (count > 0)
                {
                    result.Add(reason, count);
                }
            }

            return result;
        }
    }

    internal void AddLine() => Interlocked.Increment(ref _lines);

    internal void AddEvent() => Interlocked.Increment(ref _events);

    internal void AddEmptyLine() => Interlocked.Increment(ref _emptyLines);

    internal void AddBadLine(BadLineReason reason) => Interlocked.Increment(ref _badLinesByReason[(int)reason]);

    internal void AddBadValues(long count) => Interlocked.Add(ref _badValues, count);

    internal void AddArrayForSingleValuedField() => Interlocked.Increment(ref _arraysForSingleValuedFields);

    internal void AddUnregisteredField() => Interlocked.Increment(ref _unregisteredFields);

    public override string ToString() =>
        $"lines {Lines}, events {Events}, empty {EmptyLines}, bad lines {BadLines}, bad values {BadValues}, arrays for single-valued fields {ArraysForSingleValuedFields}";
}
