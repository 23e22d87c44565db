using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Core;

/// <summary>One classification: a validated conversation checked under a validated policy.</summary>
public sealed record GuardRequest(Conversation Conversation, SafetyPolicy Policy, bool IncludeCategoryScores = true);
