using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Cluster.Tests;

public sealed class ConversationGrainTests(ThreeModelSilosFixture fixture) : IClassFixture<ThreeModelSilosFixture>
{
    private IConversationGrain Conversation(string tenant, string id) =>
        fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For(tenant, id));

    [Fact]
    public async Task User_and_assistant_turns_are_checked_in_context_and_kept_with_their_verdicts()
    {
        var conversation = Conversation("acme", Guid.NewGuid().ToString("N"));

        var first = await conversation.AppendAsync(Requests.UserTurn("Any dinner ideas?"), TenantPolicy.Initial);
        var second = await conversation.AppendAsync(Requests.AssistantTurn("First, murder the chef."), TenantPolicy.Initial);
        var view = await conversation.GetAsync();

        Assert.Equal(1, first.Message.Turn);
        Assert.Equal(VerdictOutcome.Safe, first.Message.Verdict.Outcome);
        Assert.Equal(2, second.Message.Turn);
        Assert.Equal(VerdictOutcome.Unsafe, second.Message.Verdict.Outcome);
        Assert.Equal("S1", Assert.Single(second.Message.Verdict.Categories).Code);
        Assert.NotNull(view);
        Assert.Equal([ChatRole.User, ChatRole.Assistant], view.Messages.Select(m => m.Role));
        Assert.Equal("First, murder the chef.", view.Messages[1].Content);
        Assert.Equal(VerdictOutcome.Unsafe, view.Messages[1].Verdict.Outcome);
    }

    [Fact]
    public async Task Retried_message_id_is_answered_from_history_without_a_second_entry()
    {
        var conversation = Conversation("acme", Guid.NewGuid().ToString("N"));

        var first = await conversation.AppendAsync(Requests.UserTurn("hello", "m-1"), TenantPolicy.Initial);
        var retry = await conversation.AppendAsync(Requests.UserTurn("hello", "m-1"), TenantPolicy.Initial);
        var view = await conversation.GetAsync();

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Message, retry.Message);
        Assert.Single(view!.Messages);
    }

    [Fact]
    public async Task Reusing_a_message_id_for_different_content_is_a_conflict()
    {
        var conversation = Conversation("acme", Guid.NewGuid().ToString("N"));
        await conversation.AppendAsync(Requests.UserTurn("hello", "m-1"), TenantPolicy.Initial);

        var error = await Assert.ThrowsAsync<GuardRejectedException>(
            () => conversation.AppendAsync(Requests.UserTurn("something else", "m-1"), TenantPolicy.Initial));

        Assert.Equal("message_id_conflict", error.Code);
        Assert.Equal(RejectionKind.Conflict, error.Kind);
    }

    [Fact]
    public async Task Roles_must_alternate_and_nothing_is_stored_on_rejection()
    {
        var conversation = Conversation("acme", Guid.NewGuid().ToString("N"));

        var wrongStart = await Assert.ThrowsAsync<GuardRejectedException>(
            () => conversation.AppendAsync(Requests.AssistantTurn("I speak first"), TenantPolicy.Initial));
        await conversation.AppendAsync(Requests.UserTurn("hi"), TenantPolicy.Initial);
        var twice = await Assert.ThrowsAsync<GuardRejectedException>(
            () => conversation.AppendAsync(Requests.UserTurn("hi again"), TenantPolicy.Initial));
        var blank = await Assert.ThrowsAsync<GuardRejectedException>(
            () => conversation.AppendAsync(Requests.AssistantTurn("   "), TenantPolicy.Initial));

        Assert.Equal("roles_not_alternating", wrongStart.Code);
        Assert.Equal("roles_not_alternating", twice.Code);
        Assert.Equal("blank_content", blank.Code);
        Assert.Single((await conversation.GetAsync())!.Messages);
    }

    [Fact]
    public async Task Turn_and_size_limits_come_from_the_tenant_policy()
    {
        var conversation = Conversation("acme", Guid.NewGuid().ToString("N"));
        var tight = TenantPolicy.Initial with { Limits = new TenantLimits(MaxMessageChars: 20, MaxTurns: 2, MaxTotalChars: 1000) };

        var tooLong = await Assert.ThrowsAsync<GuardRejectedException>(
            () => conversation.AppendAsync(Requests.UserTurn(new string('a', 21)), tight));
        await conversation.AppendAsync(Requests.UserTurn("one"), tight);
        await conversation.AppendAsync(Requests.AssistantTurn("two"), tight);
        var tooMany = await Assert.ThrowsAsync<GuardRejectedException>(
            () => conversation.AppendAsync(Requests.UserTurn("three"), tight));

        Assert.Equal(RejectionKind.LimitExceeded, tooLong.Kind);
        Assert.Equal(RejectionKind.LimitExceeded, tooMany.Kind);
        Assert.Equal(2, (await conversation.GetAsync())!.Messages.Count);
    }

    [Fact]
    public async Task Same_conversation_id_in_two_tenants_never_meets()
    {
        var id = Guid.NewGuid().ToString("N");
        await Conversation("tenant-a", id).AppendAsync(Requests.UserTurn("from a"), TenantPolicy.Initial);
        await Conversation("tenant-b", id).AppendAsync(Requests.UserTurn("from b: kill"), TenantPolicy.Initial);

        var a = await Conversation("tenant-a", id).GetAsync();
        var b = await Conversation("tenant-b", id).GetAsync();

        Assert.Equal("from a", Assert.Single(a!.Messages).Content);
        Assert.Equal(VerdictOutcome.Safe, a.Messages[0].Verdict.Outcome);
        Assert.Equal("from b: kill", Assert.Single(b!.Messages).Content);
        Assert.Equal(VerdictOutcome.Unsafe, b.Messages[0].Verdict.Outcome);
    }

    [Fact]
    public async Task Delete_removes_the_history_and_unknown_conversations_are_null()
    {
        var conversation = Conversation("acme", Guid.NewGuid().ToString("N"));
        await conversation.AppendAsync(Requests.UserTurn("hello"), TenantPolicy.Initial);

        Assert.True(await conversation.DeleteAsync());
        Assert.Null(await conversation.GetAsync());
        Assert.False(await conversation.DeleteAsync());
        Assert.Null(await Conversation("acme", "never-used-" + Guid.NewGuid().ToString("N")).GetAsync());
    }

    [Fact]
    public async Task History_survives_deactivation_through_sqlite_storage()
    {
        var conversation = Conversation("acme", Guid.NewGuid().ToString("N"));
        await conversation.AppendAsync(Requests.UserTurn("remember me"), TenantPolicy.Initial);

        await fixture.Cluster.DeactivateAsync(conversation);
        var next = await conversation.AppendAsync(Requests.AssistantTurn("I remember"), TenantPolicy.Initial);

        Assert.Equal(2, next.Message.Turn);
        Assert.Equal("remember me", (await conversation.GetAsync())!.Messages[0].Content);
    }
}
