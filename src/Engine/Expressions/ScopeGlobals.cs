namespace Serverless.Engine.Expressions;

/// <summary>The scope variables an expression reads, so evaluation converts only those.</summary>
[Flags]
internal enum ScopeGlobals
{
    None = 0,
    Input = 1,
    Nodes = 2,
    Instance = 4,
    Item = 8,
    Index = 16,
    Iteration = 32,
    Previous = 64,
    Output = 128,
    All = Input | Nodes | Instance | Item | Index | Iteration | Previous | Output,
}
