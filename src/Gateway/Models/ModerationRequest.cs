namespace GuardCluster.Gateway.Models;

/// <summary>OpenAI moderation body (documentation shape).</summary>
/// <param name="Input">
/// A string, an array of strings (one result each), or an array of content parts judged together as one input
/// (<c>image_url</c> parts are refused: 400 <c>image_not_supported</c>, Llama Guard 3-1B reads text only).
/// </param>
/// <param name="Model">Accepted for compatibility and otherwise ignored; the answer's <c>model</c> names the model that judged.</param>
[ClosedSchema]
public sealed record ModerationRequest(ModerationInputValue Input, string? Model = null);
