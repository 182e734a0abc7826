namespace Serverless.Engine.Expressions;

/// <summary>A value could not become JSON; the message says why, the caller adds which expression.</summary>
internal sealed class ConversionException : Exception
{
    public ConversionException()
    {
    }

    public ConversionException(string message) : base(message)
    {
    }

    public ConversionException(string message, Exception inner) : base(message, inner)
    {
    }
}
