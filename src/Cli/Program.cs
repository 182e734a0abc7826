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
        using var cancel = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await app.RunAsync(args, cancel.Token);
    }
}
