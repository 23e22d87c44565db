using GuardCluster.Contracts;
using GuardCluster.Contracts.Surrogates;
using GuardCluster.Core.Policies;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GuardCluster.Gateway.Tests.Unit;

/// <summary>Category descriptions survive Orleans serialization (grain calls and stored tenant state), and state written before they existed still reads.</summary>
public sealed class PolicySerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(TenantPolicy).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Fact]
    public void DescribedPolicy_RoundTrips()
    {
        var policy = new TenantPolicy(
            new SafetyPolicy(
                [new SafetyCategory("S1", "Violent Crimes. ", "AI models should not.\r\n- assault"), new SafetyCategory("S2", "Hate.\nInline."), new SafetyCategory("S3", "Plain.")],
                ["S3"],
                0.4),
            TenantLimits.None,
            7);

        var copy = Serializer.Deserialize<TenantPolicy>(Serializer.SerializeToArray(policy))!;

        Assert.Equal(policy.Policy.Categories, copy.Policy.Categories);
        Assert.Equal(policy.Policy.ExcludedCodes, copy.Policy.ExcludedCodes);
        Assert.Equal(0.4, copy.Policy.Threshold);
    }

    [Fact]
    public void PatchWithDescriptions_RoundTripsAndApplies()
    {
        var patch = new PolicyPatch { CategoryCodes = ["S1", "S2"], CategoryTexts = ["Violent Crimes. ", "Hate."], CategoryDescriptions = ["AI models should not.", null] };

        var applied = Serializer.Deserialize<PolicyPatch>(Serializer.SerializeToArray(patch))!.ApplyTo(TenantPolicy.Initial);

        Assert.Equal([new SafetyCategory("S1", "Violent Crimes. ", "AI models should not."), new SafetyCategory("S2", "Hate.")], applied.Policy.Categories);
    }

    [Fact]
    public void StateWithoutDescriptions_ReadsAsNone()
    {
        // What a silo wrote before descriptions existed: codes and texts only (field 4 absent, so null).
        var old = new SafetyPolicySurrogate { Codes = ["S1", "S2"], Texts = ["Violent Crimes.", "Hate."], Excluded = [] };

        var bytes = Serializer.SerializeToArray(old);
        var policy = new SafetyPolicyConverter().ConvertFromSurrogate(Serializer.Deserialize<SafetyPolicySurrogate>(bytes));

        Assert.Equal([new SafetyCategory("S1", "Violent Crimes."), new SafetyCategory("S2", "Hate.")], policy.Categories);
        Assert.Null(new SafetyPolicyConverter().ConvertToSurrogate(policy).Descriptions); // and such policies are written as before
    }
}
