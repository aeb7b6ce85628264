using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System;
using System.Collections.Generic;

namespace Rules.Runtime.Hosting;

public static class DetectionRulesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the compiled rules, a <see cref="Detector"/>, an <see cref="AlertDispatcher"/> over the configured
    /// sinks and a <see cref="DetectionService"/> (hosted) that runs them over the configured event source.
    /// </summary>
    public static IServiceCollection AddDetectionRules(this IServiceCollection services, IReadOnlyList<CompiledRule> catalog, Action<DetectionRulesOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new DetectionRulesOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton(catalog);
        services.AddSingleton(_ => new Detector(catalog, options.Detector));
        services.AddSingleton(_ => new AlertDispatcher(options.Sinks, options.Dispatcher));
        services.AddSingleton(provider => new DetectionService(
            provider, provider.GetRequiredService<Detector>(), provider.GetRequiredService<AlertDispatcher>(), options));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<DetectionService>());
        return services;
    }
}
