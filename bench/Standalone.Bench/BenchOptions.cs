namespace Serverless.Standalone.Bench;

/// <summary>What a run measures, from the command line.</summary>
/// <param name="Targets"><c>standalone</c>, <c>durable</c> or both, in that order.</param>
/// <param name="ClientModes">The standalone host's client modes, keep-alive first.</param>
/// <param name="First">Measure each scenario first thing on a freshly started target.</param>
/// <param name="Warm">Measure every scenario on one target after a warm-up.</param>
/// <param name="HostDll">The standalone host to run, or null for its build output.</param>
/// <param name="Scenarios">The scenarios, A-E by default.</param>
/// <param name="FirstAfter">How long after a fresh target is ready its first scenario starts (0 by default).</param>
/// <param name="Repeat">
/// How many times each scenario is measured: first, on that many fresh targets; warm, that many times in a row on the
/// warm target. The report gives the median run (1 by default).
/// </param>
internal sealed record BenchOptions(
    IReadOnlyList<string> Targets,
    IReadOnlyList<ClientMode> ClientModes,
    bool First,
    bool Warm,
    string? HostDll,
    IReadOnlyList<string> Scenarios,
    TimeSpan FirstAfter,
    int Repeat = 1)
{
    /// <summary>
    /// Parses <c>[--target standalone|durable|both] [--client keep-alive|new-connection|both] [--cold-only|--warm-only]
    /// [--first-after SECONDS] [--repeat N] [--host-dll PATH] [--in-memory] [A B C D E]</c>; unknown values fail before
    /// anything starts.
    /// </summary>
    public static BenchOptions Parse(string[] args)
    {
        string target = "both", client = "both";
        string? hostDll = null;
        bool coldOnly = false, warmOnly = false;
        var firstAfter = TimeSpan.Zero;
        var repeat = 1;
        var scenarios = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--target":
                    target = Value(args, ++i, "--target").ToLowerInvariant();
                    break;
                case "--client":
                    client = Value(args, ++i, "--client").ToLowerInvariant();
                    break;
                case "--host-dll":
                    hostDll = Value(args, ++i, "--host-dll");
                    break;
                case "--cold-only":
                    coldOnly = true;
                    break;
                case "--warm-only":
                    warmOnly = true;
                    break;
                case "--first-after":
                    firstAfter = TimeSpan.FromSeconds(double.Parse(Value(args, ++i, "--first-after"), System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "--repeat":
                    repeat = int.Parse(Value(args, ++i, "--repeat"), System.Globalization.CultureInfo.InvariantCulture);
                    if (repeat < 1)
                    {
                        throw new ArgumentException("--repeat needs a count of at least 1.");
                    }

                    break;
                case "--in-memory":
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    throw new ArgumentException($"Unknown option '{option}'.");
                default:
                    var scenario = args[i].ToUpperInvariant();
                    _ = Workloads.Label(scenario); // Unknown names fail before anything starts.
                    scenarios.Add(scenario);
                    break;
            }
        }

        if (coldOnly && warmOnly)
        {
            throw new ArgumentException("--cold-only and --warm-only exclude each other; give neither for both.");
        }

        string[] targets = target switch
        {
            "both" => ["standalone", "durable"],
            "standalone" or "durable" => [target],
            _ => throw new ArgumentException($"Unknown target '{target}'; use standalone, durable or both."),
        };
        ClientMode[] modes = client == "both" ? [ClientMode.KeepAlive, ClientMode.NewConnection] : [BenchHttp.Parse(client)];
        if (hostDll is not null && !File.Exists(hostDll))
        {
            throw new ArgumentException($"--host-dll: {hostDll} does not exist.");
        }

        return new(targets, modes, !warmOnly, !coldOnly, hostDll, scenarios.Count == 0 ? Workloads.All : scenarios, firstAfter, repeat);
    }

    private static string Value(string[] args, int index, string option)
        => index < args.Length ? args[index] : throw new ArgumentException($"{option} needs a value.");
}
