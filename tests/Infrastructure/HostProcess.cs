using System.Diagnostics;
using System.Globalization;

namespace Serverless.Testing;

/// <summary>
/// The standalone host as a real child process (<c>dotnet Serverless.Standalone.dll</c>, the build output unless told
/// otherwise) with its built-in <c>echo</c> activity, on a free port of 127.0.0.1.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private HostProcess(Process process, HttpClient client, DateTimeOffset started)
    {
        _process = process;
        Client = client;
        Started = started;
    }

    /// <summary>A client on the host's address.</summary>
    public HttpClient Client { get; }

    /// <summary>The host's address.</summary>
    public Uri Address => Client.BaseAddress!;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>When the process was started (just before <see cref="Process.Start()"/>).</summary>
    public DateTimeOffset Started { get; }

    /// <summary>How long after <see cref="Started"/> <c>/healthz</c> first answered healthy.</summary>
    public TimeSpan HealthyAfter { get; private set; }

    /// <summary>The last 60 lines the process wrote.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(60));
            }
        }
    }

    /// <summary>Every line the process wrote so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>
    /// Starts the host on <paramref name="connectionString"/> and task hub <paramref name="taskHub"/> and waits until
    /// <c>/healthz</c> answers healthy (polled every 10 ms; <paramref name="cancellationToken"/> bounds the wait).
    /// </summary>
    /// <param name="connectionString">The storage account.</param>
    /// <param name="taskHub">The task hub.</param>
    /// <param name="cancellationToken">Bounds the start.</param>
    /// <param name="settings">More environment variables (host settings as <c>Host__...</c>).</param>
    /// <param name="hostDll">The host to run; the build output of <c>src/Standalone</c> by default.</param>
    public static async Task<HostProcess> StartAsync(
        string connectionString, string taskHub, CancellationToken cancellationToken, IDictionary<string, string>? settings = null, string? hostDll = null)
    {
        var port = Azurite.FreePorts(1)[0];
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(hostDll ?? HostDll());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Host__Storage__ConnectionString"] = connectionString;
        start.Environment["Host__Storage__TaskHub"] = taskHub;
        start.Environment["Host__LeaseRenewInterval"] = "00:00:02";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Serverless"] = "Information";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start)!;
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var host = new HostProcess(process, client, started);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitHealthyAsync(client, process, cancellationToken);
            host.HealthyAfter = clock.Elapsed;
        }
        catch (Exception ex)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException("The host process did not become healthy:\n" + host.Output, ex);
        }

        return host;
    }

    /// <summary>The process' working set now and its peak so far (the kernel's high-water mark), in bytes.</summary>
    public (long Current, long Peak) WorkingSet()
    {
        _process.Refresh();
        return (_process.WorkingSet64, _process.PeakWorkingSet64);
    }

    /// <summary>The process' CPU time so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM and wait for the exit: the host shuts down as a service manager stops it (exporters flush).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        await _process.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static async Task WaitHealthyAsync(HttpClient client, Process process, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {process.ExitCode}.");
            }

            try
            {
                using var response = await client.GetAsync("/healthz", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            // A bounded poll: the token carries the deadline.
            await Task.Delay(10, cancellationToken);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    private static string HostDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "Serverless.Standalone.dll");
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "Serverless.Standalone.runtimeconfig.json")))
        {
            return local;
        }

        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine(Azurite.RepoRoot, "src", "Standalone", "bin", configuration, "net10.0", "Serverless.Standalone.dll");
    }
}
