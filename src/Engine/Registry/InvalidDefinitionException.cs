using System.Collections.Immutable;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Registry;

/// <summary>A stored definition that does not validate under the host's limits (for example, limits were lowered).</summary>
internal sealed class InvalidDefinitionException : Exception
{
    /// <summary>Creates the exception for the errors of version <paramref name="version"/> of <paramref name="name"/>.</summary>
    public InvalidDefinitionException(string name, int version, ImmutableArray<ValidationError> errors)
        : base(Describe(name, version, errors))
    {
        Name = name;
        Version = version;
        Errors = errors;
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidDefinitionException()
        : this("unknown", 0, [])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidDefinitionException(string message)
        : base(message)
    {
        Name = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public InvalidDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Name = string.Empty;
    }

    /// <summary>The workflow.</summary>
    public string Name { get; }

    /// <summary>The version.</summary>
    public int Version { get; }

    /// <summary>Every validation error.</summary>
    public ImmutableArray<ValidationError> Errors { get; }

    private static string Describe(string name, int version, ImmutableArray<ValidationError> errors)
        => errors.IsDefaultOrEmpty
            ? $"Workflow '{name}' version {version} is not valid."
            : $"Workflow '{name}' version {version} is not valid at '{errors[0].Path}': {errors[0].Message}"
              + (errors.Length > 1 ? $" (and {errors.Length - 1} more)" : string.Empty);
}
