namespace GuardCluster.Core.Prompting;

public enum PromptPieceKind
{
    /// <summary>A special token of the template itself (e.g. <c>&lt;|eot_id|&gt;</c>); tokenized with special parsing on.</summary>
    Special,

    /// <summary>A maximal run of plain text between two special tokens; tokenized as one piece, special parsing off.</summary>
    Text,
}

public readonly record struct PromptPiece(PromptPieceKind Kind, string Text);
