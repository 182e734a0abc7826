using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Serverless.Engine.Execution;

internal enum HopKind
{
    Response,
    Redirect,
    TooLarge,
    TimedOut,
    NetworkFailure,
    Blocked,
}
