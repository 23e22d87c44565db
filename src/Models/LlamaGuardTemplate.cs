namespace GuardCluster.Models;

/// <summary>The Llama Guard 3 chat template (jinja) as shipped with the real model.</summary>
public static class LlamaGuardTemplate
{
    private static readonly Lazy<string> Cached = new(Load);

    public static string Text => Cached.Value;

    private static string Load()
    {
        using var stream = typeof(LlamaGuardTemplate).Assembly.GetManifestResourceStream("GuardCluster.Models.llama-guard-3.jinja")
            ?? throw new InvalidOperationException("embedded chat template missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
