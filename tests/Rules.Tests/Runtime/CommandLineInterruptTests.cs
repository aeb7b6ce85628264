using System.Text;
using System.Text.Json;
using Rules.Runtime;
using Rules.Runtime.Reading;
using static Rules.Tests.Runtime.TestEvents;

namespace Rules.Tests.Runtime;

public class CommandLineInterruptTests
{
    [Fact]
    public async Task An_interrupted_scan_still_delivers_the_alerts_it_held()
    {
        // Two duplicates (one held suppressed alert), then the interruption arrives while the third line is read.
        static byte[] Line(EcsEvent e) => Encoding.UTF8.GetBytes(EventWriter.ToJson(e) + "\n");
        using var interrupt = new CancellationTokenSource();
        var first = Line(At(Minutes(1), ("event.action", "dup"), ("host.name", "h"))).Concat(Line(At(Minutes(2), ("event.action", "dup"), ("host.name", "h")))).ToArray();
        var second = Line(At(Minutes(3), ("event.action", "dup"), ("host.name", "h")));
        var input = new InterruptingStream(first, second, interrupt);
        var output = new MemoryStream();
        var error = new StringWriter();

        var exit = await RulesCommandLine.RunAsync(new[] { "scan", "-", "--progress", "none" }, DetectionRules.All, new StringWriter(), error,
            () => input, () => output, interrupt.Token);

        Assert.True(exit == 130, exit + ": " + error);
        Assert.Contains("Interrupted", error.ToString());
        var line = Assert.Single(Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var alert = JsonDocument.Parse(line).RootElement;
        Assert.Equal(DetectionRules.SuppressedWithDuration, alert.GetProperty("kibana.alert.rule.rule_id").GetString());
        // The third event came after the interruption: not scanned, not counted.
        Assert.Equal(1, alert.GetProperty("kibana.alert.suppression.docs_count").GetInt32());
    }

    /// <summary>Gives its first chunk, then cancels the token as it gives the second (as Ctrl+C during a read).</summary>
    private sealed class InterruptingStream(byte[] first, byte[] second, CancellationTokenSource interrupt) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Never across the chunks' boundary, so the reader has handled the first chunk when it asks for more.
            var (chunk, start) = _position < first.Length ? (first, _position) : (second, _position - first.Length);
            if (_position == first.Length)
            {
                interrupt.Cancel();
            }

            var length = Math.Min(count, chunk.Length - start);
            Array.Copy(chunk, start, buffer, offset, length);
            _position += length;
            return length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
