using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Serverless.Host.Tests.Infrastructure;

/// <summary>
/// Starts an Azurite of its own (from the repo's .tools folder, installing it with scripts/install-tools.sh if missing)
/// on free loopback ports with in-memory storage, and kills it afterwards.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Process? _process;
    private Task<InProcessHost>? _shared;

    /// <summary>One in-process host (task hub <c>shared</c>) for the tests that need no host of their own.</summary>
    public Task<InProcessHost> SharedHostAsync()
    {
        lock (this)
        {
            return _shared ??= InProcessHost.StartAsync(ConnectionString, "shared", new Dictionary<string, string?>
            {
                ["Host:InlineStateLimit"] = "100000",
            });
        }
    }

    public string ConnectionString { get; private set; } = string.Empty;

    public static string RepoRoot { get; } = FindRepoRoot();

    public async Task InitializeAsync()
    {
        var azurite = Path.Combine(RepoRoot, ".tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            using var install = Process.Start(new ProcessStartInfo("bash", Path.Combine(RepoRoot, "scripts", "install-tools.sh")) { UseShellExecute = false })!;
            await install.WaitForExitAsync();
            if (install.ExitCode != 0 || !File.Exists(azurite))
            {
                throw new InvalidOperationException("scripts/install-tools.sh could not install Azurite.");
            }
        }

        var ports = FreePorts(3);
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = Path.GetTempPath(),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--silent", "--skipApiVersionCheck", "--inMemoryPersistence",
            "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var port in ports)
        {
            await WaitForPortAsync(port, timeout.Token);
        }

        ConnectionString =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";
    }

    public async Task DisposeAsync()
    {
        if (_shared is { IsCompletedSuccessfully: true })
        {
            await (await _shared).DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
    }

    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private async Task WaitForPortAsync(int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Yield();
                await Poll.PauseAsync(cancellationToken);
            }
        }
    }

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "scripts", "install-tools.sh")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (scripts/install-tools.sh).");
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
