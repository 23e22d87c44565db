namespace GuardCluster.Core.Conversations;

public enum ChatRole
{
    User,
    Assistant,
}
