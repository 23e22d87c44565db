namespace GuardCluster.Models.Demo;

/// <summary>A token the demo model's output script keys on: its plain text, id and residual identity dimension.</summary>
public sealed record DemoScriptedToken(string Text, int TokenId, int ResidualDim);
