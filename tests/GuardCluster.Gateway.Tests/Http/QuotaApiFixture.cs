using GuardCluster.Gateway.Quotas;
using GuardCluster.Gateway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GuardCluster.Gateway.Tests.Http;

/// <summary>
/// A host of its own for quota tests: the rate limiters run on a <see cref="ManualClock"/> the tests step (no
/// sleeping), the quota is enforced whole on this one host, and failed authentications are limited tightly.
/// </summary>
public sealed class QuotaApiFixture : GuardApiFixture
{
    public const int AuthFailuresPerMinute = 3;

    public ManualClock Clock { get; } = new();

    protected override void Configure(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Guard:Gateway:AuthFailuresPerMinute"] = AuthFailuresPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Guard:Gateway:QuotaHosts"] = "1",
            ["Guard:Gateway:MaxBatchItems"] = "8",
            ["Guard:Limits:MaxConversations"] = "50",
        });
        builder.Services.AddKeyedSingleton<TimeProvider>(QuotaClock.Key, Clock);
    }
}

[CollectionDefinition(Name)]
public sealed class QuotaCollection : ICollectionFixture<QuotaApiFixture>
{
    public const string Name = "quota";
}
