using GuardCluster.Core.Text;

namespace GuardCluster.Core.Tests;

public class PythonTextTests
{
    [Theory]
    [InlineData("\u001C\u001D\u001E\u001Fx\u001F")]
    [InlineData("\u0085x\u00A0")]
    [InlineData("\u3000x\u3000")]
    [InlineData("\t\n\v\f\r x \u2028\u2029\u202F\u205F\u1680")]
    [InlineData("\u2000\u2005\u200Ax")]
    public void Strip_RemovesPythonWhitespace(string input) => Assert.Equal("x", PythonText.Strip(input));

    [Fact]
    public void Strip_KeepsZeroWidthSpace()
    {
        // U+200B is not whitespace in Python: the template keeps it.
        Assert.Equal("\u200Bx\u200B", PythonText.Strip(" \u200Bx\u200B "));
        Assert.Equal("\uFEFFx", PythonText.Strip("\uFEFFx"));
    }

    [Fact]
    public void Strip_KeepsInnerWhitespace() => Assert.Equal("a \n b", PythonText.Strip("  a \n b\n\n"));

    [Fact]
    public void Strip_AllWhitespace_IsEmpty() => Assert.Equal(string.Empty, PythonText.Strip(" \u001C\u3000\n"));

    [Fact]
    public void Strip_DiffersFromDotNetTrim()
    {
        const string input = "\u001Cx";
        Assert.Equal(input, input.Trim()); // .NET keeps U+001C ...
        Assert.Equal("x", PythonText.Strip(input)); // ... Python does not
    }

    [Theory]
    [InlineData('\u001C', true)]
    [InlineData('\u0085', true)]
    [InlineData('\u200B', false)]
    [InlineData('\u180E', false)]
    [InlineData('a', false)]
    [InlineData('\u2060', false)]
    public void IsSpace_MatchesPython(char c, bool expected) => Assert.Equal(expected, PythonText.IsSpace(c));

    [Fact]
    public void IsSpace_CoversExactlyPythonsBmpSet()
    {
        // Python: [c for c in map(chr, range(0x10000)) if c.isspace()]
        int[] python =
        [
            0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
            0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
            0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
        ];
        var ours = Enumerable.Range(0, 0x10000).Where(c => PythonText.IsSpace((char)c)).ToArray();
        Assert.Equal(python, ours);
    }
}
