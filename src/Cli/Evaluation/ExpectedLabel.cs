namespace GuardCluster.Cli.Evaluation;

/// <summary>The ground truth of one dataset line. <see cref="Categories"/> is empty for safe lines and may be empty for unsafe ones.</summary>
public sealed record ExpectedLabel(bool IsUnsafe, IReadOnlyList<string> Categories)
{
    public static ExpectedLabel Safe { get; } = new(false, []);

    public static ExpectedLabel Unsafe(params string[] categories) => new(true, categories);
}

/// <summary>One dataset line: where it was, the guard input JSON (label fields removed), and its label.</summary>
public sealed record EvalExample(int LineNumber, string InputJson, ExpectedLabel Expected);
