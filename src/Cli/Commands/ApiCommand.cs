using Serverless.Cli.Api;
using System.Diagnostics;
using Serverless.Cli.Configuration;
using Serverless.Engine.Telemetry;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>A command that talks to the API: resolves the connection and hands a client to <see cref="RunAsync"/>.</summary>
internal abstract class ApiCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : GlobalSettings
{
    protected ApiCommand(IAnsiConsole console) => Out = console;

    /// <summary>Where the command writes (standard output).</summary>
    protected IAnsiConsole Out { get; }

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // One trace per command (under TRACEPARENT when a script sets it); each API call is a client span in it.
        using var span = WorkflowTelemetry.Source.StartActivity($"swf {context.Name}", ActivityKind.Internal, CommandTrace.Parent(Environment.GetEnvironmentVariable));
        using var client = new WorkflowsApiClient(ConnectionResolver.Resolve(settings, Environment.GetEnvironmentVariable));
        return await RunAsync(settings, client, cancellationToken);
    }

    /// <summary>Runs the command; returns its exit code.</summary>
    protected abstract Task<int> RunAsync(TSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken);
}
