using System.Net;
using System.Net.Http.Json;

namespace GuardCluster.Gateway.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class ConversationTests(GuardApiFixture api)
{
    [Fact]
    public async Task AppendReplayReadDelete()
    {
        var (_, key) = await api.CreateTenantAsync("conv");
        using var client = api.Client(key);
        const string Url = "/v1/conversations/chat-1/messages";

        using var first = await client.PostAsJsonAsync(Url, new { role = "user", content = "Can you help me plan a party?", message_id = "m1" });
        var turn1 = await ApiAssert.JsonAsync(first, HttpStatusCode.OK);
        Assert.Equal(1, turn1.GetProperty("turn").GetInt32());
        Assert.False(turn1.GetProperty("replayed").GetBoolean());
        Assert.True(turn1.GetProperty("safe").GetBoolean());

        using var second = await client.PostAsJsonAsync(Url, new { role = "assistant", content = "Sure, I will kill it with great music." });
        var turn2 = await ApiAssert.JsonAsync(second, HttpStatusCode.OK);
        Assert.Equal(2, turn2.GetProperty("turn").GetInt32());

        using var replay = await client.PostAsJsonAsync(Url, new { role = "user", content = "Can you help me plan a party?", message_id = "m1" });
        var replayed = await ApiAssert.JsonAsync(replay, HttpStatusCode.OK);
        Assert.True(replayed.GetProperty("replayed").GetBoolean());
        Assert.Equal(1, replayed.GetProperty("turn").GetInt32());

        using var conflict = await client.PostAsJsonAsync(Url, new { role = "user", content = "Something else", message_id = "m1" });
        await ApiAssert.ProblemAsync(conflict, HttpStatusCode.Conflict, "message_id_conflict");

        using var wrongRole = await client.PostAsJsonAsync(Url, new { role = "assistant", content = "Out of turn." });
        await ApiAssert.ProblemAsync(wrongRole, (HttpStatusCode)422, "roles_not_alternating");

        using var unsafeTurn = await client.PostAsJsonAsync(Url, new { role = "user", content = "Now tell me how to murder the neighbours." });
        var turn3 = await ApiAssert.JsonAsync(unsafeTurn, HttpStatusCode.OK);
        Assert.Equal(3, turn3.GetProperty("turn").GetInt32());
        Assert.Contains("S1", ApiAssert.Codes(turn3));

        using var get = await client.GetAsync("/v1/conversations/chat-1");
        var view = await ApiAssert.JsonAsync(get, HttpStatusCode.OK);
        Assert.Equal("chat-1", view.GetProperty("id").GetString());
        var messages = view.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.Equal("m1", messages[0].GetProperty("message_id").GetString());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Equal("safe", messages[0].GetProperty("verdict").GetProperty("verdict").GetString());
        Assert.True(messages[2].TryGetProperty("created_at", out _));

        using var delete = await client.DeleteAsync("/v1/conversations/chat-1");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await client.GetAsync("/v1/conversations/chat-1");
        await ApiAssert.ProblemAsync(gone, HttpStatusCode.NotFound, "conversation_not_found");
        using var deleteAgain = await client.DeleteAsync("/v1/conversations/chat-1");
        await ApiAssert.ProblemAsync(deleteAgain, HttpStatusCode.NotFound, "conversation_not_found");
    }

    [Fact]
    public async Task ConversationsAreTenantScoped()
    {
        var (_, keyA) = await api.CreateTenantAsync("ca");
        var (_, keyB) = await api.CreateTenantAsync("cb");
        using var a = api.Client(keyA);
        using var b = api.Client(keyB);
        using var append = await a.PostAsJsonAsync("/v1/conversations/shared/messages", new { role = "user", content = "hello" });
        await ApiAssert.JsonAsync(append, HttpStatusCode.OK);
        using var other = await b.GetAsync("/v1/conversations/shared");
        await ApiAssert.ProblemAsync(other, HttpStatusCode.NotFound, "conversation_not_found");
    }

    [Theory]
    [InlineData("""{"role":"system","content":"x"}""", 422, "invalid_role")]
    [InlineData("""{"role":"user"}""", 400, "missing_field")]
    [InlineData("""{"role":"user","content":5}""", 400, "invalid_type")]
    [InlineData("""{"role":"user","content":"   "}""", 422, "blank_content")]
    [InlineData("""{"role":"user","content":"x","message_id":"a b"}""", 422, "invalid_message_id")]
    public async Task BadMessagesAreRejected(string body, int status, string code)
    {
        var (_, key) = await api.CreateTenantAsync("cbad");
        using var client = api.Client(key);
        using var response = await client.PostJsonAsync("/v1/conversations/c1/messages", body);
        await ApiAssert.ProblemAsync(response, (HttpStatusCode)status, code);
    }

    [Fact]
    public async Task A_deleted_and_recreated_tenant_does_not_see_the_old_tenants_conversations()
    {
        var (id, oldKey) = await api.CreateTenantAsync("reuse");
        using (var old = api.Client(oldKey))
        {
            using var secret = await old.PostAsJsonAsync("/v1/conversations/shared-id/messages", new { role = "user", content = "my private message" });
            Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        }

        using var admin = api.Client(GuardApiFixture.AdminKey);
        using var deleted = await admin.DeleteAsync($"/v1/tenants/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var recreated = await admin.PostAsJsonAsync("/v1/tenants", new { id });
        var newKey = (await ApiAssert.JsonAsync(recreated, HttpStatusCode.Created)).GetProperty("api_key").GetString()!;

        using var fresh = api.Client(newKey);
        using var history = await fresh.GetAsync("/v1/conversations/shared-id");
        await ApiAssert.ProblemAsync(history, HttpStatusCode.NotFound, "conversation_not_found");
        using var first = await fresh.PostAsJsonAsync("/v1/conversations/shared-id/messages", new { role = "user", content = "hello" });
        Assert.Equal(1, (await ApiAssert.JsonAsync(first, HttpStatusCode.OK)).GetProperty("turn").GetInt32());
    }
}
