using System;
using System.Security.Cryptography;
using System.Text;

namespace Rules.Runtime;

/// <summary>
/// Deterministic alert ids: the lowercase hex SHA-256 of the parts (as Kibana derives a query alert's _id from a hash
/// of the source document and the rule), so replaying events gives the same ids and indexing an alert twice
/// under its id overwrites instead of duplicating.
/// </summary>
public static class AlertIds
{
    public static string Hash(params string[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(part));
            hash.AppendData([0]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
