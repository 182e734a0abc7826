namespace Serverless.Standalone.Storage;

/// <summary>
/// A stored state this host's engine refuses to read (written under another engine semantics version). The API answers
/// 409 with its message; the state is left as it is, for an engine that can honour it.
/// </summary>
internal sealed class IncompatibleStateException : InvalidOperationException
{
    public IncompatibleStateException()
    {
    }

    public IncompatibleStateException(string message)
        : base(message)
    {
    }

    public IncompatibleStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
