using GuardCluster.Cli.Hosting;
using GuardCluster.Cli.Libraries;
using GuardCluster.Core;
using GuardCluster.Core.Conversations;
using GuardCluster.Core.Policies;
using GuardCluster.Engine;

namespace GuardCluster.Cli.Evaluation;

/// <summary>A dataset line turned into the request the engine will get.</summary>
public sealed record PreparedExample(EvalExample Example, GuardRequest Request);

/// <summary>Validates a dataset against the guard input contract, then classifies it (optionally several at a time).</summary>
public static class EvalRunner
{
    /// <summary>Parses every line first so that a bad line fails fast, before the model is loaded.</summary>
    public static IReadOnlyList<PreparedExample> Prepare(IReadOnlyList<EvalExample> examples, IGuardLibraries libraries, double? threshold)
    {
        var prepared = new List<PreparedExample>(examples.Count);
        foreach (var example in examples)
        {
            var (conversation, policy) = ParseLine(example, libraries);
            var unknown = example.Expected.Categories.FirstOrDefault(code => !policy.Categories.Any(c => c.Code == code));
            if (unknown is not null)
            {
                throw new DatasetFormatException(example.LineNumber, $"expected category \"{unknown}\" is not one of the policy's categories");
            }

            if (threshold is { } x)
            {
                policy = policy with { Threshold = x };
            }

            prepared.Add(new PreparedExample(example, new GuardRequest(conversation, policy, IncludeCategoryScores: false)));
        }

        return prepared;
    }

    public static async Task<IReadOnlyList<ScoredExample>> RunAsync(
        IGuardEngine engine,
        IReadOnlyList<PreparedExample> prepared,
        int parallelism,
        IProgressSink progress,
        CancellationToken cancellationToken)
    {
        var results = new ScoredExample[prepared.Count];
        var done = 0;
        progress.Report(0, prepared.Count);
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, prepared.Count), options, async (i, ct) =>
        {
            var item = prepared[i];
            try
            {
                var verdict = await engine.ClassifyAsync(item.Request, ct).ConfigureAwait(false);
                results[i] = new ScoredExample(item.Example.Expected, EvalPrediction.FromVerdict(verdict));
            }
            catch (GuardValidationException ex)
            {
                throw new DatasetFormatException(item.Example.LineNumber, ErrorReporter.FormatValidation(ex), ex);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or DatasetFormatException))
            {
                throw CliException.Runtime($"dataset line {item.Example.LineNumber}: classification failed: {ex.Message}", ex);
            }

            progress.Report(Interlocked.Increment(ref done), prepared.Count);
        }).ConfigureAwait(false);
        return results;
    }

    private static (Conversation Conversation, SafetyPolicy Policy) ParseLine(EvalExample example, IGuardLibraries libraries)
    {
        try
        {
            return libraries.ParseInput(example.InputJson);
        }
        catch (GuardValidationException ex)
        {
            throw new DatasetFormatException(example.LineNumber, ErrorReporter.FormatValidation(ex), ex);
        }
    }
}
