using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace Rules.Runtime;

/// <summary>
/// Progress of a long scan on standard error: on a terminal one line rewritten in place (events, share of the file
/// read, alerts, rate); in plain mode a line per second, for logs and for callers that parse it; none otherwise.
/// Rendered from the scanning loop itself (no timer thread), checked every 1,024 events.
/// </summary>
internal sealed class ScanProgress
{
    private readonly TextWriter? _error;
    private readonly Stream? _file;
    private readonly long _fileLength;
    private readonly bool _inPlace;
    private readonly TimeSpan _every;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last;
    private long _acknowledged;
    private bool _drawn;

    private ScanProgress(TextWriter? error, Stream? file, bool inPlace, TimeSpan every)
    {
        _error = error;
        _file = file;
        _fileLength = file is { CanSeek: true } ? file.Length : 0;
        _inPlace = inPlace;
        _every = every;
    }

    public static ScanProgress Create(string mode, bool quiet, TextWriter error, Stream? file)
    {
        if (quiet || mode == "none")
        {
            return new ScanProgress(null, null, false, TimeSpan.Zero);
        }

        if (mode == "plain")
        {
            return new ScanProgress(error, file, inPlace: false, TimeSpan.FromSeconds(1));
        }

        // auto: only when standard error is the real console and a terminal.
        var terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        return terminal ? new ScanProgress(error, file, inPlace: true, TimeSpan.FromMilliseconds(250)) : new ScanProgress(null, null, false, TimeSpan.Zero);
    }

    /// <summary>Alerts the output has acknowledged (written and flushed); any thread.</summary>
    public void Acknowledged(long count) => Interlocked.Exchange(ref _acknowledged, count);

    public void Tick(long events, long alerts)
    {
        if (_error is null || (events & 1023) != 0 || _clock.Elapsed - _last < _every)
        {
            return;
        }

        _last = _clock.Elapsed;
        Render(events, alerts);
    }

    public void Done(long events, long alerts)
    {
        if (_error is null)
        {
            return;
        }

        if (_inPlace && _drawn)
        {
            _error.Write("\r" + new string(' ', 100) + "\r");
            _error.Flush();
        }
        else if (!_inPlace)
        {
            Render(events, alerts);
        }
    }

    private void Render(long events, long alerts)
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var share = _fileLength > 0 && _file is { CanSeek: true } ? $" {100.0 * _file.Position / _fileLength,5:0.0}% of input," : string.Empty;
        var line = $"progress: {events} events,{share} {alerts} alerts, {Interlocked.Read(ref _acknowledged)} acknowledged, {events / seconds:0} events/s";
        if (_inPlace)
        {
            _error!.Write("\r" + line.PadRight(100));
            _drawn = true;
        }
        else
        {
            _error!.WriteLine(line);
        }

        _error.Flush();
    }
}
