using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;

namespace Serverless.Standalone.Tests.Scripts;

/// <summary>
/// scripts/run-local.sh refuses storage ports held by anything but Azurite, before it builds or starts anything: run as
/// a user runs it, with the port variables pointing at a real server.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class RunLocalScriptTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunLocal_TablePortHeldByAnotherServer_RefusesNamingThePortAndItsVariable()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var other = await LoopbackEchoServer.StartAsync(timeout.Token);
        var free = AzuriteFixture.FreePorts(2);

        var (exitCode, error) = await RunAsync(free[0], free[1], other.BaseUri.Port, timeout.Token);

        Assert.Equal(2, exitCode);
        Assert.Contains($"127.0.0.1:{other.BaseUri.Port} (AZURITE_TABLE_PORT) is in use by something that is not Azurite's Table service (it answered as 'Kestrel')", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunLocal_OnlyTheTablePortIsAzurite_RefusesInsteadOfStartingASecondAzurite()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var table = int.Parse(TableEndpointPort().Match(azurite.ConnectionString).Groups[1].Value, CultureInfo.InvariantCulture);
        var free = AzuriteFixture.FreePorts(2);

        var (exitCode, error) = await RunAsync(free[0], free[1], table, timeout.Token);

        Assert.Equal(2, exitCode);
        Assert.Contains($"only some of Azurite's ports answer as Azurite (blob {free[0]}, queue {free[1]}, table {table})", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(int blob, int queue, int table, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Azurite.RepoRoot,
        };
        start.ArgumentList.Add(Path.Combine(Azurite.RepoRoot, "scripts", "run-local.sh"));
        start.Environment["AZURITE_BLOB_PORT"] = blob.ToString(CultureInfo.InvariantCulture);
        start.Environment["AZURITE_QUEUE_PORT"] = queue.ToString(CultureInfo.InvariantCulture);
        start.Environment["AZURITE_TABLE_PORT"] = table.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // It went on to build and start the host: the refusal did not happen.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"run-local.sh did not refuse: {await output}");
        }

        return (process.ExitCode, await error + await output);
    }

    [GeneratedRegex(@"TableEndpoint=http://127\.0\.0\.1:(\d+)/")]
    private static partial Regex TableEndpointPort();
}
