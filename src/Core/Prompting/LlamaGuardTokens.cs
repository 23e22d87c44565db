namespace GuardCluster.Core.Prompting;

/// <summary>Llama 3 special-token strings that the Llama Guard template emits (ids from the Llama 3 vocabulary).</summary>
public static class LlamaGuardTokens
{
    /// <summary>Token 128000. Already part of the prompt text: the tokenizer must not add a second BOS.</summary>
    public const string BeginOfText = "<|begin_of_text|>";

    /// <summary>Token 128001.</summary>
    public const string EndOfText = "<|end_of_text|>";

    /// <summary>Token 128006.</summary>
    public const string StartHeaderId = "<|start_header_id|>";

    /// <summary>Token 128007.</summary>
    public const string EndHeaderId = "<|end_header_id|>";

    /// <summary>Token 128009; also ends the model's answer.</summary>
    public const string EotId = "<|eot_id|>";

    public const int BeginOfTextId = 128000;
    public const int EndOfTextId = 128001;
    public const int StartHeaderIdId = 128006;
    public const int EndHeaderIdId = 128007;
    public const int EotIdId = 128009;
}
