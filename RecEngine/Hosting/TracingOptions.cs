using System.ComponentModel.DataAnnotations;

namespace RecEngine.Hosting;

/// <summary>
/// Tracing, section <c>RecEngine:Tracing</c>: spans of the <c>RecEngine</c> source (pipeline stages, ingestion
/// commits, retraining phases) and of ASP.NET Core requests, exported over OTLP. Off unless an endpoint is set.
/// Prometheus metrics at <c>/metrics</c> are independent of it.
/// </summary>
public sealed record TracingOptions
{
    public const string Section = "RecEngine:Tracing";

    /// <summary>The OTLP collector, for example <c>http://localhost:4317</c> (gRPC) or <c>http://localhost:4318/v1/traces</c> (HTTP); empty turns tracing off.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>The OTLP protocol: <c>grpc</c> or <c>http/protobuf</c>.</summary>
    [RegularExpression("^(grpc|http/protobuf)$")]
    public string OtlpProtocol { get; init; } = "grpc";

    /// <summary>The <c>service.name</c> resource attribute of the exported spans.</summary>
    [Required]
    public string ServiceName { get; init; } = "recengine";

    /// <summary>Share of traces recorded (parent-based, by trace id), 0-1.</summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; init; } = 1.0;
}
