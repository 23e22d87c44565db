namespace GuardCluster.Gateway.Auth;

/// <summary>The operator key from <c>Guard:AdminKey</c> (required: <c>AddGuardGateway</c> refuses to start without it).</summary>
public sealed class AdminKey(IConfiguration configuration)
{
    public const string ConfigKey = "Guard:AdminKey";

    private readonly string? _key = string.IsNullOrWhiteSpace(configuration[ConfigKey]) ? null : configuration[ConfigKey];

    public bool IsConfigured => _key is not null;

    public bool Matches(string presented) => _key is not null && ApiKeys.SecretEquals(presented, _key);
}
