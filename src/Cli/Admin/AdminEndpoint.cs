namespace GuardCluster.Cli.Admin;

/// <summary>Where the admin commands talk to, with which key, and how long they wait for each answer.</summary>
public sealed record AdminEndpoint(Uri BaseUri, string AdminKey, TimeSpan Timeout)
{
    // The key stays out of ToString (records print every property), so it can never reach a log or error line.
    public override string ToString() => $"{BaseUri} (timeout {Timeout.TotalSeconds:0.#}s)";
}
