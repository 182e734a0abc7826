namespace Serverless.Testing;

/// <summary>
/// The system's Chromium the browser tests drive (Debian's package, which scripts/install-tools.sh installs), never
/// Playwright's own download: <c>CONSOLE_TEST_CHROMIUM</c> names the binary, else the first of <see cref="Paths"/>
/// that exists. Without one the tests fail with how to get one: a missing browser is a broken setup, not a skip.
/// </summary>
internal static class SystemChromium
{
    /// <summary>Where a Chromium is looked for when <c>CONSOLE_TEST_CHROMIUM</c> is not set, in order.</summary>
    public static readonly IReadOnlyList<string> Paths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    /// <summary>The Chromium binary to drive.</summary>
    public static string Find()
    {
        if (Environment.GetEnvironmentVariable("CONSOLE_TEST_CHROMIUM") is { Length: > 0 } chosen)
        {
            return File.Exists(chosen)
                ? chosen
                : throw new InvalidOperationException($"CONSOLE_TEST_CHROMIUM names '{chosen}', which does not exist.");
        }

        return Paths.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            $"The browser tests need a Chromium and found none at {string.Join(" or ", Paths)}: run scripts/install-tools.sh "
            + "(it installs Debian's chromium), or set CONSOLE_TEST_CHROMIUM to a Chromium binary.");
    }

    /// <summary>The launch arguments: Chromium's sandbox refuses to start as root (containers, CI); as any other user it stays on.</summary>
    public static IReadOnlyList<string> Arguments => Environment.IsPrivilegedProcess ? ["--no-sandbox"] : [];
}
