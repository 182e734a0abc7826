using System.Collections.Frozen;

namespace Serverless.Engine.Execution;

/// <summary>The activities the app registered, by name (case-sensitive).</summary>
internal sealed class ActivityRegistry
{
    private readonly FrozenDictionary<string, ActivityRegistration> _byName;

    public ActivityRegistry(IEnumerable<ActivityRegistration> registrations)
    {
        var byName = new Dictionary<string, ActivityRegistration>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            if (byName.TryGetValue(registration.Name, out var existing))
            {
                throw new InvalidOperationException(
                    $"Activity '{registration.Name}' is registered twice: by {existing.ActivityType.FullName} and by {registration.ActivityType.FullName}.");
            }

            byName.Add(registration.Name, registration);
        }

        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _byName.Keys;

    public bool TryGet(string name, out ActivityRegistration registration) => _byName.TryGetValue(name, out registration!);
}
