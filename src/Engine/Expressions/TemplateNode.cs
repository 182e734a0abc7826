namespace Serverless.Engine.Expressions;

/// <summary>A node of a compiled template tree.</summary>
internal abstract class TemplateNode;
