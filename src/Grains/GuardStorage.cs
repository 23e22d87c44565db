namespace GuardCluster.Grains;

/// <summary>Name of the grain storage provider that holds tenants and conversations.</summary>
public static class GuardStorage
{
    public const string Name = "guard";
}
