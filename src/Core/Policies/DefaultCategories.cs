namespace GuardCluster.Core.Policies;

/// <summary>The Llama Guard 3 MLCommons taxonomy with the model card's short names (each carries its period).</summary>
public static class DefaultCategories
{
    public static IReadOnlyList<SafetyCategory> All { get; } =
    [
        new("S1", "Violent Crimes."),
        new("S2", "Non-Violent Crimes."),
        new("S3", "Sex Crimes."),
        new("S4", "Child Exploitation."),
        new("S5", "Defamation."),
        new("S6", "Specialized Advice."),
        new("S7", "Privacy."),
        new("S8", "Intellectual Property."),
        new("S9", "Indiscriminate Weapons."),
        new("S10", "Hate."),
        new("S11", "Self-Harm."),
        new("S12", "Sexual Content."),
        new("S13", "Elections."),
    ];
}
