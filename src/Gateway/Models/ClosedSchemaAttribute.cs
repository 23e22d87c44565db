namespace GuardCluster.Gateway.Models;

/// <summary>
/// Marks a request documentation type whose handler refuses unknown fields (<c>unknown_field</c>), so its OpenAPI
/// schema says <c>additionalProperties: false</c> and generated clients cannot send a misspelt field.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ClosedSchemaAttribute : Attribute;
