namespace GuardCluster.Core.Tests;

internal static class Assertions
{
    public static GuardValidationException Rejects(string code, Action action, string? path = null, bool isLimit = false)
    {
        var ex = Assert.Throws<GuardValidationException>(action);
        Assert.Equal(code, ex.Code);
        Assert.Equal(isLimit, ex.IsLimit);
        if (path is not null)
        {
            Assert.Equal(path, ex.Path);
        }

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        return ex;
    }
}
