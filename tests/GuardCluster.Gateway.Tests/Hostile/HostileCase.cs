using System.Text;

namespace GuardCluster.Gateway.Tests.Hostile;

/// <summary>Who a hostile request authenticates as.</summary>
public enum Caller
{
    None,
    Attacker,
    Admin,
    Victim,
}

/// <summary>What the cases may refer to: the attacking tenant, the victim tenant and its conversation, the context edge.</summary>
public sealed record HostileContext(string AttackerId, string AttackerKey, string VictimId, string VictimKey, string[] VictimConversations, int EdgeWords);

/// <summary>
/// One generated hostile request and the answer it must get: <see cref="Status"/> with problem details carrying one
/// of <see cref="Codes"/> (or 200 with a JSON body where the input is valid). <see cref="Statuses"/> lists more
/// than one status only for the context-size sweep, where the edge depends on the tokenizer.
/// </summary>
public sealed record HostileCase(string Name, string Method, Func<HostileContext, string> Path, Func<HostileContext, byte[]?> Body, int[] Statuses, string[] Codes)
{
    public Caller Caller { get; init; } = Caller.Attacker;

    /// <summary>A raw Authorization header value instead of <see cref="Caller"/>'s key.</summary>
    public Func<HostileContext, string>? Authorization { get; init; }

    public string? ContentType { get; init; } = "application/json";

    /// <summary>Send the body without a Content-Length (chunked), so only the streaming limit can stop it.</summary>
    public bool Chunked { get; init; }

    /// <summary>Extra headers (name, value), sent without validation.</summary>
    public (string Name, string Value)[] Headers { get; init; } = [];

    /// <summary>
    /// Kestrel refuses the request before any application code runs (e.g. a NUL in the path): the status is
    /// checked, but there is no problem-details body to check.
    /// </summary>
    public bool ServerLevel { get; init; }

    /// <summary>Checks on a 200 body (e.g. the warnings an injection must raise).</summary>
    public string[] Warnings { get; init; } = [];

    public override string ToString() => Name;

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
