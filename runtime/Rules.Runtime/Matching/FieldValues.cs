using System;

namespace Rules.Runtime.Matching;

/// <summary>Helpers generated matchers use on array fields; none allocates.</summary>
public static class FieldValues
{
    /// <summary>Any element equals <paramref name="value"/> exactly (how EQL's event category test works).</summary>
    /// <remarks>Inlined into the generated category test, where <paramref name="value"/> is a literal: the JIT then
    /// compares each element with the literal's length and characters as constants.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Contains(string?[]? values, string value)
    {
        if (values is null)
        {
            return false;
        }

        foreach (var element in values)
        {
            if (string.Equals(element, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The array has at least one non-null element (what Elasticsearch's exists query asks).</summary>
    public static bool HasAny<T>(T?[]? values)
    {
        if (values is null)
        {
            return false;
        }

        foreach (var element in values)
        {
            if (element is not null)
            {
                return true;
            }
        }

        return false;
    }
}
