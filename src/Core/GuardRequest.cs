using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Core;

/// <summary>
/// One classification: a validated conversation checked under a validated policy. <see cref="SessionKey"/>
/// names a growing conversation (e.g. <c>tenant/conversation</c>) so an engine may keep its KV cache between
/// checks; it never changes the verdict, only how much of the prompt is prefilled again. <see cref="TenantId"/>
/// is whose request it is: an engine shares its queue, sequences, steps and cache fairly between tenants and never
/// shares a custom policy's cached KV across them. <see cref="AllowHistoryWindow"/> lets the engine drop the oldest
/// turns (in user/assistant pairs) of a conversation too long for its context, with a <c>history_truncated</c>
/// warning, instead of refusing it. <see cref="ScoreSafeVerdicts"/> asks for per-category scores on a <c>safe</c>
/// verdict too (the engine then probes the answer prefix <c>unsafe \n S</c>: one extra short decode step), for callers
/// such as the OpenAI-compatible API that report a score for every category on every result.
/// </summary>
public sealed record GuardRequest(
    Conversation Conversation,
    SafetyPolicy Policy,
    bool IncludeCategoryScores = true,
    string? SessionKey = null,
    string? TenantId = null,
    bool AllowHistoryWindow = false,
    bool ScoreSafeVerdicts = false);
