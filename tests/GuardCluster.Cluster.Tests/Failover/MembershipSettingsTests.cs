using GuardCluster.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace GuardCluster.Cluster.Tests.Failover;

/// <summary><c>Cluster:Membership:*</c> reaches Orleans' <see cref="ClusterMembershipOptions"/>; bad values stop the silo at build time.</summary>
public sealed class MembershipSettingsTests
{
    [Fact]
    public void Defaults_detect_a_dead_silo_faster_than_Orleans_and_settings_override_them()
    {
        using var defaults = Build([]);
        var o = defaults.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), o.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), o.MinProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(8), o.MaxProbeTimeout);
        Assert.Equal(2, o.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(20), o.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), o.TableRefreshTimeout);

        using var tuned = Build(new()
        {
            ["Cluster:Membership:ProbeTimeoutSeconds"] = "5",
            ["Cluster:Membership:NumMissedProbesLimit"] = "3",
            ["Cluster:Membership:NumVotesForDeathDeclaration"] = "3",
        });
        var t = tuned.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(5), t.ProbeTimeout);
        Assert.Equal(3, t.NumMissedProbesLimit);
        Assert.Equal(3, t.NumVotesForDeathDeclaration);
    }

    [Theory]
    [InlineData("ProbeTimeoutSeconds", "0")]
    [InlineData("NumMissedProbesLimit", "0")]
    [InlineData("DeathVoteExpirationSeconds", "-1")]
    public void A_bad_value_stops_the_silo_with_its_name(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["Cluster:Membership:" + key] = value }).Dispose());
        Assert.Contains("Cluster:Membership:" + key, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["Guard:AdminKey"] = "membership-admin-key-0123456789";
        settings["Guard:Storage:Provider"] = "Memory";
        var builder = GuardSilo.CreateBuilder([], b => b.Configuration.AddInMemoryCollection(settings));
        return builder.Services.BuildServiceProvider();
    }
}
