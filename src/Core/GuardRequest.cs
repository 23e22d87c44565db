using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Core;

/// <summary>
/// One classification: a validated conversation checked under a validated policy. <see cref="SessionKey"/>
/// names a growing conversation (e.g. <c>tenant/conversation</c>) so an engine may keep its KV cache between
/// checks; it never changes the verdict, only how much of the prompt is prefilled again.
/// </summary>
public sealed record GuardRequest(
    Conversation Conversation,
    SafetyPolicy Policy,
    bool IncludeCategoryScores = true,
    string? SessionKey = null);
