namespace Rules.Runtime;
internal static class EcsEventJson { public static void WriteFields(System.Text.Json.Utf8JsonWriter w, EcsEvent e, bool skipTimestamp) { } }
