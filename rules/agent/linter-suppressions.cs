public class Db
{
    // ruleid: jvm-dotnet-security-warning-suppressed
    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities")]
    public void Run(string sql) { }

#pragma warning disable CS0618
    // ok: jvm-dotnet-security-warning-suppressed
    public void Old() { }
// ruleid: jvm-dotnet-security-warning-suppressed
#pragma warning disable CA5351
}
