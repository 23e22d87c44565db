using System.Text.Json.Serialization;

namespace GuardCluster.Cli.Commands;

/// <summary><c>prompt --json</c>: the prompt text, its structural warnings, and with <c>--tokens</c> the token sequence.</summary>
public sealed record PromptJson(
    string Prompt,
    IReadOnlyList<string> Warnings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PromptTokenJson>? Tokens);

/// <summary>One token of <c>prompt --tokens --json</c>: id, whether it is a special token, and its text piece.</summary>
public sealed record PromptTokenJson(int Id, bool Special, string Piece);
