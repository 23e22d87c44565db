using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Core.Serialization;

/// <summary>A validated conversation with the policy it is to be checked against.</summary>
public sealed record GuardInput(Conversation Conversation, SafetyPolicy Policy);
