using System.Data.SqlClient;
using System.Diagnostics;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

public class InjectionController : Controller
{
    public void Sql(SqlConnection conn, string name, int id)
    {
        // ruleid: csharp-sql-string-built-command
        var cmd = new SqlCommand($"SELECT * FROM Users WHERE Name = '{name}'", conn);
        // ruleid: csharp-sql-string-built-command
        cmd.CommandText = "DELETE FROM Sessions WHERE UserId = " + id;
        // ruleid: csharp-sql-string-built-command
        var users = db.Users.FromSqlRaw($"SELECT * FROM Users WHERE Name = '{name}'").ToList();
        // ruleid: csharp-sql-string-built-command
        var rows = conn.Query<User>($"SELECT * FROM Users WHERE Name = '{name}'");
        // ok: csharp-sql-string-built-command
        var safe = new SqlCommand("SELECT * FROM Users WHERE Name = @name", conn);
        // ok: csharp-sql-string-built-command
        var users2 = db.Users.FromSqlInterpolated($"SELECT * FROM Users WHERE Name = {name}").ToList();
        // ok: csharp-sql-string-built-command
        var rows2 = conn.Query<User>("SELECT * FROM Users WHERE Name = @Name", new { Name = name });
    }

    public void Shell(string file)
    {
        // ruleid: csharp-process-start-shell
        Process.Start("cmd.exe", "/c convert " + file + " out.png");
        // ruleid: csharp-process-start-shell
        var psi = new ProcessStartInfo { FileName = "/bin/sh", Arguments = $"-c \"tar xf {file}\"" };
        // ok: csharp-process-start-shell
        var psi2 = new ProcessStartInfo("convert");
        psi2.ArgumentList.Add(file);
        // ok: csharp-process-start-shell
        Process.Start("git", "status");
    }

    public IHtmlContent Markup(string bio)
    {
        // ruleid: csharp-html-raw-dynamic
        var a = Html.Raw(bio);
        // ruleid: csharp-html-raw-dynamic
        var b = new HtmlString(model.Description);
        // ok: csharp-html-raw-dynamic
        var c = Html.Raw("<br/>");
        // ok: csharp-html-raw-dynamic
        var d = Html.Raw(new HtmlSanitizer().Sanitize(bio));
        return a;
    }

    public void Directory(string user, XmlDocument doc)
    {
        // ruleid: csharp-ldap-xpath-filter-built
        searcher.Filter = $"(&(objectClass=user)(sAMAccountName={user}))";
        // ruleid: csharp-ldap-xpath-filter-built
        var nodes = doc.SelectNodes("//user[@name='" + user + "']");
        // ok: csharp-ldap-xpath-filter-built
        searcher.Filter = "(&(objectClass=user)(sAMAccountName=" + LdapEncoder.FilterEncode(user) + "))";
        // ok: csharp-ldap-xpath-filter-built
        var all = doc.SelectNodes("//user[@active='true']");
        // ruleid: csharp-mongo-where-built
        var filter = new BsonDocument("$where", $"this.owner == '{user}'");
        // ok: csharp-mongo-where-built
        var filter2 = Builders<Post>.Filter.Eq(p => p.Owner, user);
    }

    public async Task<IActionResult> Upload(IFormFile file)
    {
        // ruleid: csharp-path-traversal-upload-name
        var path = Path.Combine(_uploads, file.FileName);
        // ruleid: csharp-path-traversal-upload-name
        var text = System.IO.File.ReadAllText(Path.Combine(_root, Request.Query["name"]));
        // ok: csharp-path-traversal-upload-name
        var safe = Path.Combine(_uploads, Path.GetFileName(file.FileName));
        // ok: csharp-path-traversal-upload-name
        var gen = Path.Combine(_uploads, Path.GetRandomFileName());
        // ruleid: csharp-ssrf-request-url
        var body = await _http.GetStringAsync(Request.Query["url"]);
        // ok: csharp-ssrf-request-url
        var status = await _http.GetStringAsync("https://api.example.com/status");
        return Ok();
    }

    public IActionResult Login(string returnUrl, LoginModel model)
    {
        if (Url.IsLocalUrl(returnUrl))
        {
            // ok: csharp-open-redirect
            return Redirect(returnUrl);
        }
        // ok: csharp-open-redirect
        return LocalRedirect(returnUrl);
    }

    public IActionResult Logout(string returnUrl)
    {
        // ruleid: csharp-open-redirect
        return Redirect(returnUrl);
    }

    public async Task<IActionResult> Edit(int id)
    {
        var user = await _db.Users.FindAsync(id);
        // ruleid: csharp-mass-assignment-overposting
        await TryUpdateModelAsync(user);
        // ok: csharp-mass-assignment-overposting
        await TryUpdateModelAsync(user, "", u => u.Name, u => u.Email);
        return View(user);
    }
}
