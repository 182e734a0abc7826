namespace Serverless.Standalone.Runtime;

/// <summary>
/// An item to complete or an effect to carry out once the save of <paramref name="Version"/> (or a later one) succeeded.
/// </summary>
/// <param name="Version">The actor's version the item or effect belongs to.</param>
/// <param name="Item">An applied item (its caller is told, its queue message deleted), or null.</param>
/// <param name="Effect">What the batch owes once saved (timers, children, reports), or null.</param>
internal readonly record struct AwaitingSave(long Version, InboxItem? Item, Action? Effect);
