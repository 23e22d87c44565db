using GuardCluster.Core.Serialization;

namespace GuardCluster.Gateway.Models;

/// <summary>
/// The verdict fields of Core's <see cref="VerdictDto"/>, flat, so endpoint answers can add their own fields
/// (<c>policy_version</c>, <c>turn</c>, ...) next to them instead of nesting the verdict.
/// </summary>
public abstract class VerdictBody
{
    protected VerdictBody(VerdictDto verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        Verdict = verdict.Verdict;
        Safe = verdict.Safe;
        Categories = verdict.Categories;
        UnsafeProbability = verdict.UnsafeProbability;
        CategoryScores = verdict.CategoryScores;
        Warnings = verdict.Warnings;
        RawOutput = verdict.RawOutput;
        Usage = verdict.Usage;
        TimingsMs = verdict.TimingsMs;
        Model = verdict.Model;
    }

    public string Verdict { get; }

    public bool Safe { get; }

    public IReadOnlyList<CategoryDto> Categories { get; }

    public double? UnsafeProbability { get; }

    public IReadOnlyDictionary<string, double>? CategoryScores { get; }

    public IReadOnlyList<string> Warnings { get; }

    public string RawOutput { get; }

    public UsageDto Usage { get; }

    public TimingsDto TimingsMs { get; }

    public string Model { get; }
}

public sealed class ClassifyResponse(VerdictDto verdict, int policyVersion) : VerdictBody(verdict)
{
    public int PolicyVersion { get; } = policyVersion;
}

public sealed record BatchResponse(IReadOnlyList<ClassifyResponse> Results);

/// <summary>Documentation shape of a classify body: the reference input format.</summary>
/// <param name="Messages">The conversation, alternating <c>user</c> and <c>assistant</c> turns, starting with <c>user</c>; the last turn is judged.</param>
/// <param name="Categories">Replaces the tenant's categories for this call only.</param>
/// <param name="ExcludedCategoryKeys">Category codes left out of the prompt for this call only.</param>
/// <param name="Threshold">Unsafe-probability threshold in [0, 1] for this call only; null keeps the tenant's.</param>
[ClosedSchema]
public sealed record ClassifyRequest(
    IReadOnlyList<MessageBody> Messages,
    CategoriesInput? Categories = null,
    IReadOnlyList<string>? ExcludedCategoryKeys = null,
    double? Threshold = null);

/// <summary>One turn. <c>content</c> is a string or an array of <c>{"type":"text","text":...}</c> parts.</summary>
[ClosedSchema]
public sealed record MessageBody(MessageRole Role, MessageContent Content);

/// <summary>Documentation shape of a batch body: up to the tenant's <c>max_batch_items</c> classify inputs.</summary>
[ClosedSchema]
public sealed record BatchRequest(IReadOnlyList<ClassifyRequest> Items);
