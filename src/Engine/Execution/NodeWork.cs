using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Execution;

/// <summary>One attempt of node work, as a host hands it to an executor.</summary>
/// <param name="InstanceId">The instance the work belongs to.</param>
/// <param name="Node">The node's definition (look it up in the plan by <see cref="RunNode.NodeId"/>).</param>
/// <param name="Command">The decider's command: key, path, evaluated input, timeout.</param>
internal sealed record NodeWork(string InstanceId, NodeDefinition Node, RunNode Command);
