using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serverless.Engine.Telemetry;
using Spectre.Console.Cli;

namespace Serverless.Cli;

/// <summary>The <c>swf</c> entry point: consoles for standard output and error, then the commands of <see cref="CliApp"/>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // --no-color is read before the commands parse: the consoles are made once, and plain when not a terminal.
        var plain = args.Contains("--no-color", StringComparer.Ordinal)
            || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        var output = CliApp.CreateConsole(System.Console.Out, plain || System.Console.IsOutputRedirected);
        var errors = CliApp.CreateConsole(System.Console.Error, plain || System.Console.IsErrorRedirected);
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.ConfigureConsole(output);
            CliApp.Configure(config, errors);
        });
        // Spans go out over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard variables configure the exporter);
        // disposing the provider at exit flushes them.
        using var tracing = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 }
            ? Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(resource => resource.AddService("swf"))
                .AddSource(WorkflowTelemetry.Name)
                .AddOtlpExporter()
                .Build()
            : null;
        using var cancel = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await app.RunAsync(args, cancel.Token);
    }
}
