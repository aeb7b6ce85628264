using Rules.Runtime.Reading;
using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Rules.Runtime;

/// <summary>
/// Writes an alert as an Elastic Security alert document: the source event's ECS fields, then the
/// <c>kibana.alert.*</c> fields Elastic writes (rule identity and metadata, severity, risk score, threat mapping,
/// original time, reason). See docs/alerts.md.
/// </summary>
public static class AlertJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    public static void Write(Stream output, Alert alert)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Write(writer, alert);
    }

    public static string ToJson(Alert alert)
    {
        using var buffer = new MemoryStream();
        Write(buffer, alert);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void Write(Utf8JsonWriter writer, Alert alert)
    {
        var rule = alert.Rule;
        writer.WriteStartObject();
        // The source event's fields first, as Elastic copies them into the alert; @timestamp becomes the alert's time.
        using (var source = JsonDocument.Parse(EventWriter.ToJson(alert.Event)))
        {
            foreach (var property in source.RootElement.EnumerateObject())
            {
                if (property.NameEquals("@timestamp"))
                {
                    continue;
                }

                property.WriteTo(writer);
            }
        }


        writer.WriteString("@timestamp", alert.DetectedAt);
        writer.WriteString("kibana.alert.uuid", alert.Id.ToString());
        writer.WriteString("kibana.alert.status", "active");
        writer.WriteString("kibana.alert.workflow_status", "open");
        writer.WriteNumber("kibana.alert.depth", 1);
        if (alert.OriginalTime is { } originalTime)
        {
            writer.WriteString("kibana.alert.original_time", originalTime);
        }

        writer.WriteString("kibana.alert.reason", alert.Reason);
        writer.WriteString("kibana.alert.severity", rule.Severity);
        writer.WriteNumber("kibana.alert.risk_score", rule.RiskScore);
        if (rule.BuildingBlockType.Length > 0)
        {
            writer.WriteString("kibana.alert.building_block_type", rule.BuildingBlockType);
        }

        writer.WriteString("kibana.alert.rule.uuid", rule.RuleId);
        writer.WriteString("kibana.alert.rule.rule_id", rule.RuleId);
        writer.WriteString("kibana.alert.rule.name", rule.Name);
        writer.WriteString("kibana.alert.rule.description", rule.Description);
        writer.WriteString("kibana.alert.rule.type", rule.Type);
        writer.WriteString("kibana.alert.rule.rule_type_id", RuleTypeId(rule.Type));
        writer.WriteString("kibana.alert.rule.producer", "siem");
        writer.WriteString("kibana.alert.rule.severity", rule.Severity);
        writer.WriteNumber("kibana.alert.rule.risk_score", rule.RiskScore);
        writer.WriteNumber("kibana.alert.rule.version", rule.Version);
        writer.WriteString("kibana.alert.rule.from", rule.From);
        writer.WriteString("kibana.alert.rule.interval", rule.Interval);
        writer.WriteNumber("kibana.alert.rule.max_signals", rule.MaxSignals);
        writer.WriteString("kibana.alert.rule.license", rule.License);
        WriteStrings(writer, "kibana.alert.rule.author", rule.Author);
        WriteStrings(writer, "kibana.alert.rule.tags", rule.Tags);
        WriteStrings(writer, "kibana.alert.rule.references", rule.References);
        WriteStrings(writer, "kibana.alert.rule.index", rule.Index);
        writer.WriteString("kibana.alert.rule.language", rule.Language);
        writer.WriteString("kibana.alert.rule.query", rule.Query);
        writer.WritePropertyName("kibana.alert.rule.threat");
        WriteThreat(writer, rule.Threat);
        writer.WriteEndObject();
        writer.Flush();
    }

    private static string RuleTypeId(string type) => type switch
    {
        "eql" => "siem.eqlRule",
        "query" => "siem.queryRule",
        "threshold" => "siem.thresholdRule",
        "new_terms" => "siem.newTermsRule",
        _ => "siem." + type,
    };

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteThreat(Utf8JsonWriter writer, IReadOnlyList<ThreatMapping> threats)
    {
        writer.WriteStartArray();
        foreach (var threat in threats)
        {
            writer.WriteStartObject();
            writer.WriteString("framework", threat.Framework);
            writer.WritePropertyName("tactic");
            WriteEntry(writer, threat.Tactic);
            writer.WriteStartArray("technique");
            foreach (var technique in threat.Techniques)
            {
                writer.WriteStartObject();
                writer.WriteString("id", technique.Technique.Id);
                writer.WriteString("name", technique.Technique.Name);
                writer.WriteString("reference", technique.Technique.Reference);
                writer.WriteStartArray("subtechnique");
                foreach (var sub in technique.Subtechniques)
                {
                    WriteEntry(writer, sub);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteEntry(Utf8JsonWriter writer, MitreEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("id", entry.Id);
        writer.WriteString("name", entry.Name);
        writer.WriteString("reference", entry.Reference);
        writer.WriteEndObject();
    }
}
