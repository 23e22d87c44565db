namespace GuardCluster.Cli.Commands;

/// <summary><c>db init --json</c>: the schema scripts applied, in order.</summary>
public sealed record AppliedSchema(IReadOnlyList<string> Applied);
