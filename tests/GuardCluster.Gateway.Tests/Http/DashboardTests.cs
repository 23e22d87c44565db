using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace GuardCluster.Gateway.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class DashboardTests(GuardApiFixture api)
{
    [Fact]
    public async Task Dashboard_asks_for_the_admin_key()
    {
        using var anonymous = api.Client();
        using var denied = await anonymous.GetAsync("/dashboard/");
        using var tenantTry = api.Client("not-the-admin-key");
        using var wrong = await tenantTry.GetAsync("/dashboard/");
        using var basic = api.Client();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + GuardApiFixture.AdminKey)));
        using var allowed = await basic.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Contains("Basic", denied.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
