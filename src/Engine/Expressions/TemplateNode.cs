using System.Collections.Immutable;
using System.Text.Json;
using Acornima.Ast;
using Jint;

namespace Serverless.Engine.Expressions;

/// <summary>A node of a compiled template tree.</summary>
internal abstract class TemplateNode;
