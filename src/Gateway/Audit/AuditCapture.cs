using GuardCluster.Core.Conversations;
using GuardCluster.Core.Verdicts;

namespace GuardCluster.Gateway.Audit;

/// <summary>
/// The verdicts one request produced, with the text each one checked, noted by the endpoint as it builds its answer.
/// The verdict-capture endpoint filter turns them into audit records once the endpoint has succeeded (a request that
/// fails audits nothing) and adds what every entry shares: tenant, endpoint, time, retention.
/// </summary>
public sealed class AuditCapture
{
    private readonly List<Checked> _checks = [];

    public sealed record Checked(string Content, GuardVerdict Verdict, int PolicyVersion, string? ConversationId, string? MessageId, int? Item);

    public IReadOnlyList<Checked> Checks => _checks;

    /// <summary>The audit <c>endpoint</c> of this request's entries.</summary>
    public string? Endpoint { get; private set; }

    /// <summary>Notes one verdict of the current request (no-op when the request has no capture).</summary>
    public static void Add(HttpContext context, string endpoint, string content, GuardVerdict verdict, int policyVersion, string? conversationId = null, string? messageId = null, int? item = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<AuditCapture>() is { } capture)
        {
            lock (capture._checks)
            {
                capture.Endpoint = endpoint;
                capture._checks.Add(new Checked(content, verdict, policyVersion, conversationId, messageId, item));
            }
        }
    }

    /// <summary>The checked text of a one-off classification: the last message (parts joined by a line break, as rendered).</summary>
    public static string CheckedText(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return string.Join('\n', conversation.Messages[^1].TextParts);
    }
}
