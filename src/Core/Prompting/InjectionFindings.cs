namespace GuardCluster.Core.Prompting;

/// <summary>Structural-injection findings as flags, so a hot-path scan allocates nothing until reporting.</summary>
[Flags]
public enum InjectionFindings
{
    None = 0,
    TemplateMarker = 1,
    SpecialTokenText = 2,
    RolePrefix = 4,
}
