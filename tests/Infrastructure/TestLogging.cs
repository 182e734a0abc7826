using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serverless.Testing;

/// <summary>Logging for test hosts: none, unless <c>SERVERLESS_TEST_LOG</c> names a level (e.g. <c>Information</c>).</summary>
internal static class TestLogging
{
    /// <summary>A console logger factory at the level in <c>SERVERLESS_TEST_LOG</c>, or the null factory.</summary>
    public static ILoggerFactory FromEnvironment()
        => Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("SERVERLESS_TEST_LOG"), ignoreCase: true, out var level)
            ? LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level))
            : NullLoggerFactory.Instance;
}
