namespace GuardCluster.Core.Verdicts;

public enum VerdictOutcome
{
    Safe,
    Unsafe,

    /// <summary>The model said something that is neither a well-formed safe nor unsafe answer.</summary>
    Indeterminate,
}
