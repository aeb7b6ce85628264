using System;
using System.Text;

namespace Rules.Runtime.Reading;

/// <summary>
/// Recent string values of one reader, found by their UTF-8 bytes: a value that recurs across events (host.name,
/// agent.id, user.name, event.action, process.executable ...) costs a hash and a compare instead of a new string.
/// Strings are immutable, so events may share them. Bounded: <see cref="Entries"/> strings of at most
/// <see cref="MaxBytes"/> ASCII bytes (about 2 MB at worst); a new value evicts the older of the two in its set.
/// Non-ASCII and longer values are decoded every time.
/// </summary>
internal sealed class StringCache
{
    public const int Entries = 4096;
    public const int MaxBytes = 256;

    // Values are decoded strictly: invalid UTF-8 makes the line invalid JSON, as Utf8JsonReader.GetString would.
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly string?[] _strings = new string?[Entries];
    private readonly int[] _hashes = new int[Entries];

    /// <summary>The string of unescaped UTF-8 <paramref name="utf8"/>, shared with earlier events when it recurs.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxBytes)
        {
            return StrictUtf8.GetString(utf8);
        }

        var hash = Utf8Hash.Of(utf8);
        var first = hash & (Entries - 2); // two-way sets: [first, first + 1]
        if (_hashes[first] == hash && _strings[first] is { } most && Ascii.Equals(utf8, most))
        {
            return most;
        }

        var second = first + 1;
        if (_hashes[second] == hash && _strings[second] is { } older && Ascii.Equals(utf8, older))
        {
            // Recently used again: move to the front of its set.
            (_strings[first], _strings[second]) = (older, _strings[first]);
            (_hashes[first], _hashes[second]) = (hash, _hashes[first]);
            return older;
        }

        var value = StrictUtf8.GetString(utf8);
        if (Ascii.IsValid(utf8))
        {
            _strings[second] = _strings[first];
            _hashes[second] = _hashes[first];
            _strings[first] = value;
            _hashes[first] = hash;
        }

        return value;
    }
}
