using System.Net;
using System.Text.Json;

namespace GuardCluster.Gateway.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class TenantListTests(GuardApiFixture api)
{
    [Fact]
    public async Task Admin_pages_through_every_tenant_in_id_order_and_deleted_tenants_leave_the_list()
    {
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await api.CreateTenantAsync("list")).Id);
        }

        using var admin = api.Client(GuardApiFixture.AdminKey);
        var (ids, total) = await ListAllAsync(admin, pageSize: 2);
        Assert.Equal(total, ids.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(ids.Distinct(StringComparer.Ordinal).Count(), ids.Count);
        Assert.All(created, id => Assert.Contains(id, ids));

        using var delete = await admin.DeleteAsync($"/v1/tenants/{created[1]}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var (after, totalAfter) = await ListAllAsync(admin, pageSize: 1000);
        Assert.DoesNotContain(created[1], after);
        Assert.Contains(created[0], after);
        Assert.Equal(total - 1, totalAfter);
    }

    [Fact]
    public async Task The_list_carries_creation_times_and_never_keys()
    {
        var (id, key) = await api.CreateTenantAsync("listkey");
        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var response = await admin.GetAsync("/v1/tenants?limit=1000");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(text);
        var entry = doc.RootElement.GetProperty("data").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        Assert.True(entry.GetProperty("created_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    private static async Task<(List<string> Ids, int Total)> ListAllAsync(HttpClient admin, int pageSize)
    {
        var ids = new List<string>();
        string? cursor = null;
        var total = -1;
        for (var page = 0; page < 10_000; page++)
        {
            var url = $"/v1/tenants?limit={pageSize}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await admin.GetAsync(url);
            var body = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
            total = body.GetProperty("total").GetInt32();
            var data = body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
            Assert.InRange(data.Count, 0, pageSize);
            ids.AddRange(data);
            cursor = body.GetProperty("next_cursor").GetString();
            if (cursor is null)
            {
                return (ids, total);
            }
        }

        throw new InvalidOperationException("paging did not end");
    }
}
