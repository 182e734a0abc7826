using System.Reflection.PortableExecutable;

namespace Serverless.Standalone.Bench;

/// <summary>The standalone host the bench starts: which file, and whether it was compiled ahead of time.</summary>
internal static class HostImage
{
    // "RTR": the signature of the ReadyToRun header the COR header's ManagedNativeHeader points to.
    private const uint ReadyToRunSignature = 0x00525452;

    /// <summary>
    /// <paramref name="hostDll"/> as given, or the host's build output copied next to the bench (a project reference),
    /// which is what <c>HostProcess</c> would pick itself; null when neither exists (then <c>HostProcess</c> looks for
    /// <c>src/Standalone/bin</c>).
    /// </summary>
    public static string? Resolve(string? hostDll)
    {
        if (hostDll is not null)
        {
            return Path.GetFullPath(hostDll);
        }

        var local = Path.Combine(AppContext.BaseDirectory, "Serverless.Standalone.dll");
        return File.Exists(Path.Combine(AppContext.BaseDirectory, "Serverless.Standalone.runtimeconfig.json")) ? local : null;
    }

    /// <summary>The path and whether the image is ReadyToRun, for the output.</summary>
    public static string Describe(string? hostDll)
    {
        if (hostDll is null)
        {
            return "the build output of src/Standalone, as HostProcess finds it";
        }

        try
        {
            return $"{hostDll} ({Kind(hostDll)})";
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return $"{hostDll} (not readable as a .NET assembly: {ex.Message})";
        }
    }

    /// <summary>
    /// How the image was compiled: IL only, ReadyToRun, or (a self-contained composite publish puts the runtime and one
    /// composite image, <c>name.r2r.dll</c>, beside the app) self-contained composite ReadyToRun.
    /// </summary>
    public static string Kind(string hostDll)
    {
        if (!IsReadyToRun(hostDll))
        {
            return "IL only, JIT";
        }

        var directory = Path.GetDirectoryName(hostDll) ?? ".";
        var composite = File.Exists(Path.ChangeExtension(hostDll, ".r2r.dll"));
        var selfContained = File.Exists(Path.Combine(directory, "libcoreclr.so")) || File.Exists(Path.Combine(directory, "coreclr.dll"));
        return (composite, selfContained) switch
        {
            (true, true) => "self-contained, composite ReadyToRun",
            (true, false) => "composite ReadyToRun",
            (false, true) => "self-contained, ReadyToRun",
            _ => "ReadyToRun",
        };
    }

    /// <summary>Whether the image is ReadyToRun: it has a managed native header that starts with the RTR signature (crossgen2's output).</summary>
    public static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var directory = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory ?? default;
        if (directory.Size < sizeof(uint))
        {
            return false;
        }

        var header = pe.GetSectionData(directory.RelativeVirtualAddress).GetReader();
        return header.Length >= sizeof(uint) && header.ReadUInt32() == ReadyToRunSignature;
    }
}
