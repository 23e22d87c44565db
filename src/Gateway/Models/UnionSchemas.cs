namespace GuardCluster.Gateway.Models;

// Placeholders for JSON values that take more than one shape. C# has no union type, so these stand in for them in
// documentation records; the OpenAPI schema transformer (OpenApi/UnionSchemas) writes each one's oneOf.

/// <summary>A message's <c>content</c>: a string, or an array of <c>{"type":"text","text":...}</c> parts.</summary>
public sealed class MessageContent;

/// <summary>
/// <c>categories</c>: an object mapping codes to a text (<c>{"S1":"Violent Crimes."}</c>) or to
/// <c>{"name","description"?}</c>, or the list <c>GET /v1/policy</c> answers, <c>[{"code","name","description"?}]</c>.
/// </summary>
public sealed class CategoriesInput;

/// <summary>OpenAI's moderation <c>input</c>: a string, an array of strings, or an array of content parts.</summary>
public sealed class ModerationInputValue;
