using System.ComponentModel.DataAnnotations;

namespace Serverless.Engine.Execution;

/// <summary>Options of <c>activity</c> nodes.</summary>
public sealed class ActivityNodeOptions
{
    /// <summary>The per-attempt timeout when neither the node nor the document defaults set one.</summary>
    /// <value>The default is 5 minutes (the Azure Functions Consumption plan's default function timeout). Between 1 ms and 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest serialized activity output, in bytes; beyond it the attempt fails with <c>OutputTooLarge</c>.</summary>
    /// <value>The default is 1 MiB (1,048,576 bytes). Between 1 byte and 64 MiB.</value>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxOutputBytes { get; set; } = 1024 * 1024;

}
