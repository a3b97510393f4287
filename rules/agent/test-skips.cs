public class AuthTests
{
    // ruleid: csharp-test-skipped
    [Fact(Skip = "flaky")]
    public void RejectsBadPassword() { }

    // ruleid: csharp-test-skipped
    [Ignore("later")]
    public void Legacy() { }

    // ok: csharp-test-skipped
    [Fact]
    public void AcceptsGoodPassword() { }

    // ok: csharp-test-skipped
    [JsonIgnore]
    public string Secret { get; set; }
}
