using System;
using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Rules.Runtime;

/// <summary>
/// Deterministic alert ids: the lowercase hex SHA-256 of the parts (as Kibana derives a query alert's _id from a hash
/// of the source document and the rule), so replaying events gives the same ids and indexing an alert twice
/// under its id overwrites instead of duplicating. Each part is hashed as UTF-8 followed by a zero byte.
/// </summary>
public static class AlertIds
{
    public static string Hash(params string[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            Append(hash, part);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The same as <see cref="Hash(string[])"/> of the two parts, the second given as UTF-8.</summary>
    internal static string Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, first);
        Append(hash, second);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>An alert on one event: the same as <c>Hash(ruleId, "event", json, salt)</c> (without salt when it is
    /// null), json given as UTF-8.</summary>
    internal static string ForEvent(string ruleId, ReadOnlySpan<byte> json, string? salt)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, ruleId);
        Append(hash, "event"u8);
        Append(hash, json);
        if (salt is not null)
        {
            Append(hash, salt);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, ReadOnlySpan<byte> utf8)
    {
        hash.AppendData(utf8);
        hash.AppendData([0]);
    }

    private static void Append(IncrementalHash hash, string part)
    {
        var length = Encoding.UTF8.GetMaxByteCount(part.Length);
        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(part, buffer);
        Append(hash, buffer[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
