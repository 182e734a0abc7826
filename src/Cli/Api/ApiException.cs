namespace Serverless.Cli.Api;

/// <summary>A non-2xx answer of the API: its status, the server's <c>error.type</c> and <c>error.message</c>, and its <c>details</c>.</summary>
internal sealed class ApiException : CliException
{
    public ApiException(int status, string type, string serverMessage, IReadOnlyList<(string Path, string Message)> details)
        : base($"{status} {type}: {serverMessage}")
    {
        Status = status;
        Type = type;
        Details = details;
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>The server's <c>error.type</c>, or the status's reason phrase when the body has none.</summary>
    public string Type { get; }

    /// <summary>The server's <c>error.details</c>: a JSON pointer or parameter name and a message each.</summary>
    public IReadOnlyList<(string Path, string Message)> Details { get; }
}
