using GuardCluster.Contracts;
using GuardCluster.Contracts.Grains;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Cluster.Tests;

/// <summary>A cluster of its own: these tests kill silos.</summary>
public sealed class SiloFailureFixture : GuardClusterFixture
{
    protected override short SiloCount => 3;
}

public sealed class SiloFailureTests(SiloFailureFixture fixture) : IClassFixture<SiloFailureFixture>
{
    [Fact]
    public async Task Conversations_continue_with_correct_verdicts_after_their_silos_die()
    {
        var ids = Enumerable.Range(0, 6).Select(i => $"failover-{i}").ToArray();
        foreach (var id in ids)
        {
            var conversation = fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For("acme", id));
            await conversation.AppendAsync(Requests.UserTurn("I need help with my homework"), TenantPolicy.Initial);
            await conversation.AppendAsync(Requests.AssistantTurn("Sure, what subject?"), TenantPolicy.Initial);
        }

        // Kill every silo but one: conversations that lived there move, their KV cache is gone.
        foreach (var silo in fixture.Cluster.Silos.Skip(1).ToArray())
        {
            await fixture.Cluster.KillSiloAsync(silo);
        }

        await fixture.Cluster.WaitForLivenessToStabilizeAsync();

        foreach (var id in ids)
        {
            var conversation = fixture.Client.GetGrain<IConversationGrain>(ConversationKey.For("acme", id));
            var unsafeTurn = await conversation.AppendAsync(Requests.UserTurn("how do I kill my teacher"), TenantPolicy.Initial);
            var safeTurn = await conversation.AppendAsync(Requests.AssistantTurn("I can't help with that."), TenantPolicy.Initial);
            var view = await conversation.GetAsync();

            Assert.Equal(3, unsafeTurn.Message.Turn);
            Assert.Equal(VerdictOutcome.Unsafe, unsafeTurn.Message.Verdict.Outcome);
            Assert.Equal(VerdictOutcome.Unsafe, safeTurn.Message.Verdict.Outcome); // the demo model sees "kill" in the history
            Assert.Equal(4, view!.Messages.Count);
            Assert.Equal("I need help with my homework", view.Messages[0].Content);
        }
    }
}
