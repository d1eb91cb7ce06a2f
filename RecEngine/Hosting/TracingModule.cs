using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RecEngine.Hosting;

/// <summary>OpenTelemetry tracing over OTLP, registered only when <see cref="TracingOptions.OtlpEndpoint"/> is set.</summary>
internal static class TracingModule
{
    public static IHostApplicationBuilder AddTracing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TracingOptions>().BindConfiguration(TracingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new TracingOptions();
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            return builder;
        }

        if (!Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint))
        {
            throw new InvalidOperationException($"RecEngine:Tracing:OtlpEndpoint must be an absolute URI; got '{options.OtlpEndpoint}'.");
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(RecEngineTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/health"))
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = endpoint;
                    o.Protocol = options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                }));
        return builder;
    }
}
