using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace GuardCluster.Gateway.Tests.Http;

/// <summary><c>GET/PUT /v1/tenants/{id}/policy</c>: the operator's view of a tenant's policy, with the tenant's own ETag rules.</summary>
[Collection(ApiCollection.Name)]
public sealed class TenantPolicyAdminTests(GuardApiFixture api)
{
    [Fact]
    public async Task Admin_sets_a_policy_the_tenant_then_sees_with_the_same_etag()
    {
        var (id, key) = await api.CreateTenantAsync("adminpol");
        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var tenant = api.Client(key);

        using var first = await admin.GetAsync($"/v1/tenants/{id}/policy");
        var before = await ApiAssert.JsonAsync(first, HttpStatusCode.OK);
        Assert.Equal(1, before.GetProperty("version").GetInt32());
        Assert.Equal("\"1\"", first.Headers.ETag?.ToString());

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/v1/tenants/{id}/policy")
        {
            Content = new StringContent("""{"threshold":0.35,"excluded_category_keys":["S6"]}""", Encoding.UTF8, "application/json"),
        };
        put.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var updated = await admin.SendAsync(put);
        var after = await ApiAssert.JsonAsync(updated, HttpStatusCode.OK);
        Assert.Equal(2, after.GetProperty("version").GetInt32());
        Assert.Equal("\"2\"", updated.Headers.ETag?.ToString());

        // The write invalidated this host's tenant cache: the tenant reads the new policy at once.
        using var own = await tenant.GetAsync("/v1/policy");
        var seen = await ApiAssert.JsonAsync(own, HttpStatusCode.OK);
        Assert.Equal(2, seen.GetProperty("version").GetInt32());
        Assert.Equal(0.35, seen.GetProperty("threshold").GetDouble());
        Assert.Equal("S6", seen.GetProperty("excluded_category_keys")[0].GetString());
        Assert.Equal("\"2\"", own.Headers.ETag?.ToString());

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/v1/tenants/{id}/policy")
        {
            Content = new StringContent("""{"threshold":0.9}""", Encoding.UTF8, "application/json"),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var refused = await admin.SendAsync(stale);
        await ApiAssert.ProblemAsync(refused, HttpStatusCode.PreconditionFailed, "precondition_failed");
        using var unchanged = await admin.GetAsync($"/v1/tenants/{id}/policy");
        Assert.Equal(0.35, (await ApiAssert.JsonAsync(unchanged, HttpStatusCode.OK)).GetProperty("threshold").GetDouble());
    }

    [Fact]
    public async Task The_tenant_key_cannot_use_the_admin_policy_route_even_for_itself()
    {
        var (id, key) = await api.CreateTenantAsync("adminpol");
        using var tenant = api.Client(key);

        using var get = await tenant.GetAsync($"/v1/tenants/{id}/policy");
        using var put = await tenant.PutAsJsonAsync($"/v1/tenants/{id}/policy", new { threshold = 0.5 });

        await ApiAssert.ProblemAsync(get, HttpStatusCode.Forbidden, "admin_key_required");
        await ApiAssert.ProblemAsync(put, HttpStatusCode.Forbidden, "admin_key_required");
    }
}
