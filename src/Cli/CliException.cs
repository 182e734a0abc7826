namespace Serverless.Cli;

/// <summary>A problem the user can fix (a missing file, a bad option, an HTTP error): printed without a stack, exit code 1.</summary>
internal class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
