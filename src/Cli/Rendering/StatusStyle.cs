namespace Serverless.Cli.Rendering;

/// <summary>An icon and a color for instance and node statuses (the web console's).</summary>
internal static class StatusStyle
{
    /// <summary>Markup of an icon for <paramref name="status"/> (an instance's <c>runtimeStatus</c> or a node's <c>status</c>).</summary>
    public static string Icon(string? status) => status?.ToUpperInvariant() switch
    {
        "COMPLETED" or "SUCCEEDED" => "[green]✔[/]",
        "FAILED" => "[red]✘[/]",
        "TERMINATED" or "CANCELLED" => "[red]■[/]",
        "RUNNING" => "[yellow]●[/]",
        "SUSPENDED" => "[blue]‖[/]",
        "SKIPPED" => "[grey]↷[/]",
        _ => "[grey]○[/]",
    };

    /// <summary>The color of <paramref name="status"/>.</summary>
    public static string Color(string? status) => status?.ToUpperInvariant() switch
    {
        "COMPLETED" or "SUCCEEDED" => "green",
        "FAILED" or "TERMINATED" or "CANCELLED" => "red",
        "RUNNING" => "yellow",
        "SUSPENDED" => "blue",
        _ => "grey",
    };

    /// <summary>True for <c>Completed</c>, <c>Failed</c> and <c>Terminated</c>.</summary>
    public static bool IsFinal(string? runtimeStatus) => runtimeStatus is "Completed" or "Failed" or "Terminated";
}
