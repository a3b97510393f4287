public class ParserTests
{
    [Fact]
    public void Parses()
    {
        // ruleid: jvm-dotnet-assert-always-true
        Assert.True(true);
        // ruleid: jvm-dotnet-assert-always-true
        Assert.Pass();
        // ok: jvm-dotnet-assert-always-true
        Assert.Equal(1, Parser.Parse("1"));
    }
}
