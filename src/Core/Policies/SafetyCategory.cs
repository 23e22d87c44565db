namespace GuardCluster.Core.Policies;

/// <summary>A category line of the prompt: <c>Code + ": " + Text</c>.</summary>
public sealed record SafetyCategory(string Code, string Text);
