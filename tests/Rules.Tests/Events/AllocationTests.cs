using System.Text;
using Rules.Runtime;
using Rules.Runtime.Reading;
using Xunit.Abstractions;

namespace Rules.Tests.Events;

/// <summary>
/// Allocation per event of the reader with a reused record (docs/event-record.md, "Allocation"): numbers and booleans
/// cost nothing once buffers are warm, whatever the number of fields; strings cost what the record keeps.
/// </summary>
[Collection(AllocationCollection.Name)]
public class AllocationTests(ITestOutputHelper output)
{
    private static readonly string[] NumericEcsFields =
    [
        "process.pid", "process.parent.pid", "source.port", "destination.port", "source.bytes", "destination.bytes",
        "network.bytes", "network.packets", "event.severity", "event.duration", "process.args_count", "process.exit_code",
        "http.response.status_code", "http.request.bytes", "file.size", "process.interactive", "event.risk_score",
        "process.parent.args_count", "source.packets", "destination.packets",
    ];

    private static string Document(int fields, int line)
    {
        var builder = new StringBuilder("{");
        for (var i = 0; i < fields; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            if (i < NumericEcsFields.Length)
            {
                var name = NumericEcsFields[i];
                builder.Append('"').Append(name).Append("\":").Append(name == "process.interactive" ? "true" : (line + i).ToString());
            }
            else
            {
                // Non-ECS numeric fields, nested, as integrations write them.
                builder.Append("\"custom\":{\"alloc\":{\"n").Append(i).Append("\":").Append(line * i).Append("}}");
            }
        }

        return builder.Append('}').ToString();
    }

    private static long AllocatedBytesReading(byte[] ndjson)
    {
        using var reader = new EventReader(new MemoryStream(ndjson));
        var before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        foreach (var e in reader.ReadEvents())
        {
            sum += e.Process?.Pid ?? 0;
        }

        var after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(sum > 0);
        return after - before;
    }

    private static byte[] Lines(int count, int fields, Func<int, int, string> document) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, count).Select(i => document(fields, i) + "\n")));

    /// <summary>Marginal bytes per event: the difference between reading 4,000 and 2,000 lines, over 2,000.</summary>
    private static double BytesPerEvent(int fields, Func<int, int, string> document)
    {
        AllocatedBytesReading(Lines(200, fields, document)); // warm up: registrations, buffers, JIT
        var small = AllocatedBytesReading(Lines(2000, fields, document));
        var large = AllocatedBytesReading(Lines(4000, fields, document));
        return (large - small) / 2000.0;
    }

    [Fact]
    public void Numeric_fields_allocate_nothing_per_event_whatever_their_number()
    {
        var few = BytesPerEvent(4, Document);
        var many = BytesPerEvent(40, Document);
        output.WriteLine($"bytes per event: 4 numeric fields {few:F1}, 40 numeric fields (20 ECS, 20 overflow) {many:F1}");
        Assert.True(few < 16, $"4 fields: {few} bytes per event");
        Assert.True(many < 16, $"40 fields: {many} bytes per event");
    }

    [Fact]
    public void String_fields_allocate_what_the_record_keeps()
    {
        static string WithStrings(int fields, int line)
        {
            var builder = new StringBuilder("{\"process\":{\"pid\":").Append(line);
            for (var i = 0; i < fields; i++)
            {
                builder.Append(",\"custom_s").Append(i).Append("\":\"value-").Append(line % 10).Append('"');
            }

            return builder.Append("}}").ToString();
        }

        var few = BytesPerEvent(4, WithStrings);
        var many = BytesPerEvent(40, WithStrings);
        // Each kept string "value-N" is a 7-char string object: 22 + 2*7 bytes, rounded to 40 on 64-bit.
        output.WriteLine($"bytes per event: 4 string fields {few:F1}, 40 string fields {many:F1}; per string {(many - few) / 36:F1}");
        Assert.True((many - few) / 36 <= 48, $"per kept string: {(many - few) / 36}");
    }
}

/// <summary>Runs alone: other tests registering fields at the same time would make readers refresh their caches.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class AllocationCollection
{
    public const string Name = "Allocation measurements";
}
