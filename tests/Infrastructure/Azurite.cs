using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Serverless.Testing;

/// <summary>
/// An Azurite process of its own (from the repository's .tools folder, installed by scripts/install-tools.sh when
/// missing) on free loopback ports, in-memory unless a data folder is given; killed on dispose. With a data folder it
/// can be stopped cleanly and started again on the same ports and data (a storage outage).
/// </summary>
internal sealed class Azurite : IAsyncDisposable
{
    private readonly string _executable;
    private readonly string? _dataFolder;
    private readonly int[] _ports;
    private Process _process;
    private int _closed;

    private Azurite(string executable, string? dataFolder, int[] ports)
    {
        _process = null!;
        _executable = executable;
        _dataFolder = dataFolder;
        _ports = ports;
        ConnectionString =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";
    }

    /// <summary>The connection string of the emulator's account.</summary>
    public string ConnectionString { get; }

    /// <summary>The repository root (the folder holding Serverless.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Starts Azurite and waits until its three services accept connections.</summary>
    public static async Task<Azurite> StartAsync(string? dataFolder = null, CancellationToken cancellationToken = default)
    {
        var azurite = Path.Combine(RepoRoot, ".tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            using var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "scripts", "install-tools.sh"), "azurite"]) { UseShellExecute = false })!;
            await install.WaitForExitAsync(cancellationToken);
            if (install.ExitCode != 0 || !File.Exists(azurite))
            {
                throw new InvalidOperationException("scripts/install-tools.sh could not install Azurite.");
            }
        }

        var ports = FreePorts(3);
        var owner = new Azurite(azurite, dataFolder, ports);
        await owner.LaunchAsync(cancellationToken);
        return owner;
    }

    /// <summary>
    /// Stops the emulator cleanly and waits until it is gone: SIGTERM makes it stop taking requests and close (save) its
    /// stores; once all three services say they closed, the process is killed, because requests that arrived on open
    /// keep-alive connections after the signal are never answered and would keep it alive. Restart it with
    /// <see cref="RestartAsync"/> (needs a data folder).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await signal.WaitForExitAsync(cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            while (!_process.HasExited && Volatile.Read(ref _closed) < 3)
            {
                // A bounded poll (the token carries the deadline) for the services' "successfully closed" lines.
                await Task.Delay(20, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("Azurite did not close its services within 20 s of SIGTERM.");
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>Starts the emulator again on the same ports and data folder (after <see cref="StopAsync"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (_dataFolder is null)
        {
            throw new InvalidOperationException("An in-memory Azurite has nothing to restart on; give it a data folder.");
        }

        if (!_process.HasExited)
        {
            throw new InvalidOperationException("Azurite is still running; stop it first.");
        }

        _process.Dispose();
        await LaunchAsync(cancellationToken);
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var (dataFolder, ports) = (_dataFolder, _ports);
        Volatile.Write(ref _closed, 0);
        var start = new ProcessStartInfo(_executable)
        {
            WorkingDirectory = Path.GetTempPath(),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] persistence = dataFolder is null ? ["--inMemoryPersistence"] : ["--location", dataFolder];
        foreach (var arg in new[] { "--silent", "--skipApiVersionCheck" }.Concat(persistence).Concat(
        [
            "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(CultureInfo.InvariantCulture),
        ]))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("successfully closed", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref _closed);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            foreach (var port in ports)
            {
                await WaitForPortAsync(process, port, timeout.Token);
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }

        _process = process;
    }

    /// <summary>Kills the process.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
    }

    /// <summary>Ports free on 127.0.0.1 right now.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private static async Task WaitForPortAsync(Process process, int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet: a bounded poll (the token carries the deadline).
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Serverless.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Serverless.sln).");
    }
}
