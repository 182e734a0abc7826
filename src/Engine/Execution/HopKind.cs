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
