using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace Rules.Runtime.Matching;

/// <summary>
/// Ordinal ignore-case comparison against an ASCII literal, without the general case-mapping path.
/// Exact: under <see cref="StringComparison.OrdinalIgnoreCase"/> no non-ASCII character equals an ASCII one (checked
/// for every BMP character by AsciiCaseTests; supplementary characters map only among themselves), so a value equals
/// an ASCII literal ignoring case exactly when it has the literal's length and every character is ASCII and equal to
/// the literal's ignoring ASCII case - what <see cref="Ascii.EqualsIgnoreCase(ReadOnlySpan{char}, ReadOnlySpan{char})"/>
/// computes (false for any non-ASCII character). Measured about 3x faster than <c>string.Equals(...,
/// OrdinalIgnoreCase)</c> for a 12-character literal on .NET 10.
/// </summary>
public static class AsciiCase
{
    private const int ScalarBelow = 8;

    /// <summary><c>string.Equals(value, asciiLiteral, StringComparison.OrdinalIgnoreCase)</c> for an ASCII literal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EqualsIgnoreCase(string? value, string asciiLiteral) =>
        value is not null && value.Length == asciiLiteral.Length && EqualLengthEqualsIgnoreCase(value, asciiLiteral);

    /// <summary>The same test on spans of equal length, <paramref name="asciiLiteral"/> all ASCII.</summary>
    public static bool EqualLengthEqualsIgnoreCase(ReadOnlySpan<char> value, ReadOnlySpan<char> asciiLiteral)
    {
        if (value.Length >= ScalarBelow)
        {
            return Ascii.EqualsIgnoreCase(value, asciiLiteral);
        }

        // Short literals: a scalar loop beats the vectorised call's setup.
        for (var i = 0; i < value.Length; i++)
        {
            var v = value[i];
            var l = asciiLiteral[i];
            if (v != l && ((v | 0x20) != (l | 0x20) || (uint)((l | 0x20) - 'a') > 'z' - 'a'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The text is all ASCII (decided when a matcher is built).</summary>
    public static bool IsAscii(string text) => Ascii.IsValid(text);
}
