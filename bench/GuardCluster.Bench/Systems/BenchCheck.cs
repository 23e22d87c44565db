using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;

namespace GuardCluster.Bench.Systems;

/// <summary>One classification the workloads ask every system to do.</summary>
public sealed record BenchCheck(Conversation Conversation, SafetyPolicy Policy, string Tenant, string? SessionKey = null);
