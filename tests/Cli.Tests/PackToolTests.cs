using System.Diagnostics;
using Serverless.Testing;

namespace Serverless.Cli.Tests;

/// <summary>The tool packs, installs from a local folder and runs as a real process.</summary>
public sealed class PackToolTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task PackInstallRun_Validate_ExitCodesAndOutput()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var feed = Directory.CreateTempSubdirectory("swf-pack-").FullName;
        var tools = Directory.CreateTempSubdirectory("swf-tools-").FullName;
        try
        {
            var project = Path.Combine(Azurite.RepoRoot, "src", "Cli", "Cli.csproj");
            // The tool as this test run built it: no second build beside the other test assemblies.
            var pack = await RunAsync("dotnet", ["pack", project, "-c", Configuration, "--no-build", "-o", feed, "--nologo"], timeout.Token);
            Assert.True(pack.ExitCode == 0, pack.Output);
            var install = await RunAsync(
                "dotnet", ["tool", "install", "Serverless.Workflows.Cli", "--tool-path", tools, "--add-source", feed], timeout.Token);
            Assert.True(install.ExitCode == 0, install.Output);

            var swf = Path.Combine(tools, OperatingSystem.IsWindows() ? "swf.exe" : "swf");
            var valid = await RunAsync(swf, ["validate", Path.Combine(Azurite.RepoRoot, "samples", "invoice.json")], timeout.Token);
            Assert.True(valid.ExitCode == 0, valid.Output);
            Assert.Contains("valid ('invoice'", valid.Output, StringComparison.Ordinal);

            var bad = Path.Combine(AppContext.BaseDirectory, "Corpus", "bad", "activity-node-problems.json");
            var invalid = await RunAsync(swf, ["validate", bad, "-o", "json"], timeout.Token);
            Assert.Equal(1, invalid.ExitCode);
            Assert.Contains("\"/nodes/b/activity\"", invalid.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(feed, recursive: true);
            Directory.Delete(tools, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
