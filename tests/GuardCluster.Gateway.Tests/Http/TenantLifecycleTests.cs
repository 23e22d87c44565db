using System.Net;
using System.Net.Http.Json;

namespace GuardCluster.Gateway.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class TenantLifecycleTests(GuardApiFixture api)
{
    [Fact]
    public async Task CreateGetRotateDelete()
    {
        var (id, key) = await api.CreateTenantAsync("life");
        Assert.StartsWith($"gck.{id}.", key, StringComparison.Ordinal);
        using var admin = api.Client(GuardApiFixture.AdminKey);

        using var again = await admin.PostAsJsonAsync("/v1/tenants", new { id });
        await ApiAssert.ProblemAsync(again, HttpStatusCode.Conflict, "tenant_exists");

        using var get = await admin.GetAsync($"/v1/tenants/{id}");
        var info = await ApiAssert.JsonAsync(get, HttpStatusCode.OK);
        Assert.Equal(id, info.GetProperty("id").GetString());
        Assert.Equal(1, info.GetProperty("policy_version").GetInt32());
        Assert.Equal(1, info.GetProperty("key_count").GetInt32());
        Assert.True(info.TryGetProperty("created_at", out _));

        using (var tenant = api.Client(key))
        using (var ok = await tenant.GetAsync("/v1/policy"))
        {
            await ApiAssert.JsonAsync(ok, HttpStatusCode.OK);
        }

        // Rotation through this host invalidates its cache: the old key fails on the very next call.
        using var rotate = await admin.PostAsync($"/v1/tenants/{id}/keys", null);
        var rotated = await ApiAssert.JsonAsync(rotate, HttpStatusCode.OK);
        var newKey = rotated.GetProperty("api_key").GetString()!;
        Assert.NotEqual(key, newKey);
        using (var old = api.Client(key))
        using (var denied = await old.GetAsync("/v1/policy"))
        {
            await ApiAssert.ProblemAsync(denied, HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        using (var fresh = api.Client(newKey))
        using (var allowed = await fresh.GetAsync("/v1/policy"))
        {
            await ApiAssert.JsonAsync(allowed, HttpStatusCode.OK);
        }

        using var delete = await admin.DeleteAsync($"/v1/tenants/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await admin.GetAsync($"/v1/tenants/{id}");
        await ApiAssert.ProblemAsync(gone, HttpStatusCode.NotFound, "tenant_not_found");
        using var deleteAgain = await admin.DeleteAsync($"/v1/tenants/{id}");
        await ApiAssert.ProblemAsync(deleteAgain, HttpStatusCode.NotFound, "tenant_not_found");
        using var rotateGone = await admin.PostAsync($"/v1/tenants/{id}/keys", null);
        await ApiAssert.ProblemAsync(rotateGone, HttpStatusCode.NotFound, "tenant_not_found");
        using (var after = api.Client(newKey))
        using (var denied = await after.GetAsync("/v1/policy"))
        {
            await ApiAssert.ProblemAsync(denied, HttpStatusCode.Unauthorized, "invalid_api_key");
        }
    }

    [Fact]
    public async Task PolicyPutIsAppliedToTheNextCall()
    {
        var (_, key) = await api.CreateTenantAsync("pol");
        using var client = api.Client(key);
        using var get = await client.GetAsync("/v1/policy");
        var initial = await ApiAssert.JsonAsync(get, HttpStatusCode.OK);
        Assert.Equal(1, initial.GetProperty("version").GetInt32());
        Assert.Equal(13, initial.GetProperty("categories").GetArrayLength());
        Assert.Equal("S1", initial.GetProperty("categories")[0].GetProperty("code").GetString());

        using var put = await client.PutJsonAsync("/v1/policy", """{"excluded_category_keys":["S13"],"threshold":0.6,"limits":{"max_turns":50}}""");
        var updated = await ApiAssert.JsonAsync(put, HttpStatusCode.OK);
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        Assert.Equal("S13", updated.GetProperty("excluded_category_keys")[0].GetString());
        Assert.Equal(0.6, updated.GetProperty("threshold").GetDouble());
        Assert.Equal(50, updated.GetProperty("limits").GetProperty("max_turns").GetInt32());

        using var classify = await client.ClassifyAsync("Hello there, how are you?");
        Assert.Equal(2, (await ApiAssert.JsonAsync(classify, HttpStatusCode.OK)).GetProperty("policy_version").GetInt32());

        using var bad = await client.PutJsonAsync("/v1/policy", """{"limits":{"max_turns":100000000}}""");
        await ApiAssert.ProblemAsync(bad, (HttpStatusCode)422, "invalid_limit");
    }
}
