namespace GuardCluster.Gateway.Auth;

/// <summary>The operator key from <c>Guard:AdminKey</c>. Unset means the admin API is closed (every call 401).</summary>
public sealed class AdminKey(IConfiguration configuration)
{
    public const string ConfigKey = "Guard:AdminKey";

    private readonly string? _key = string.IsNullOrWhiteSpace(configuration[ConfigKey]) ? null : configuration[ConfigKey];

    public bool IsConfigured => _key is not null;

    public bool Matches(string presented) => _key is not null && ApiKeys.SecretEquals(presented, _key);
}
