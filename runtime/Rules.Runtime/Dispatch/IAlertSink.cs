using System.Threading;
using System.Threading.Tasks;

namespace Rules.Runtime;

/// <summary>A destination for alerts. A dispatcher calls one sink from one task at a time.</summary>
public interface IAlertSink
{
    /// <summary>A short name for logs and metrics.</summary>
    string Name { get; }

    ValueTask WriteAsync(Alert alert, CancellationToken cancellationToken);

    /// <summary>Makes every written alert durable (or delivered); called when the queue runs empty and at shutdown.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
