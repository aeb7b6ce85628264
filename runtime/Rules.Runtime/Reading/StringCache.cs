using System;
using System.Text;

namespace Rules.Runtime.Reading;

/// <summary>
/// Recent string values of one reader, found by their UTF-8 bytes: a value that recurs across events (host.name,
/// agent.id, user.name, event.action, process.executable ...) costs a hash and a compare instead of a new string.
/// Strings are immutable, so events may share them. Bounded: <see cref="Entries"/> strings of at most
/// <see cref="MaxBytes"/> ASCII bytes (about 2 MB at worst) in sets of <see cref="Ways"/>; a new value evicts the least
/// recently used entry of its set.
/// Non-ASCII and longer values are decoded every time.
/// </summary>
internal sealed class StringCache
{
    public const int Entries = 4096;
    public const int MaxBytes = 256;

    /// <summary>Entries per set: values that share a set evict one another only beyond this many.</summary>
    public const int Ways = 4;

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

        var hash = Utf8Hash.Sampled(utf8);
        var set = hash & (Entries - Ways); // sets of Ways entries, most recently used first
        for (var way = 0; way < Ways; way++)
        {
            var entry = set + way;
            if (_hashes[entry] == hash && _strings[entry] is { } cached && Ascii.Equals(utf8, cached))
            {
                if (way > 0)
                {
                    MoveToFront(set, way, cached, hash);
                }

                return cached;
            }
        }

        var value = StrictUtf8.GetString(utf8);
        if (value.Length == utf8.Length) // valid UTF-8 with as many chars as bytes: ASCII
        {
            // The least recently used entry of the set drops out.
            MoveToFront(set, Ways - 1, value, hash);
        }

        return value;
    }

    private void MoveToFront(int set, int way, string value, int hash)
    {
        for (var i = set + way; i > set; i--)
        {
            _strings[i] = _strings[i - 1];
            _hashes[i] = _hashes[i - 1];
        }

        _strings[set] = value;
        _hashes[set] = hash;
    }
}
