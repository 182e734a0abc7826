using Serverless.Standalone.Runtime;

namespace Serverless.Standalone.Tests.Runtime;

/// <summary>The in-memory run a host makes at start-up (<see cref="StartupPriming"/>).</summary>
public sealed class StartupPrimingTests
{
    [Fact]
    public void Run_TheThrowawayInstance_CompletesThroughEveryStep()
    {
        // Run throws unless the instance ran to Completed: its activity answered, its event raised, its switch and
        // expression evaluated, each state and envelope through their JSON contracts.
        StartupPriming.Run();
        StartupPriming.Run();
    }
}
