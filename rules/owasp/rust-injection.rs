use std::path::Path;
use std::process::Command;

fn shell(rev: &str, dir: &Path) {
    // ruleid: rust-command-shell-c
    let out = Command::new("sh").arg("-c").arg(format!("git log {rev}")).output();
    // ruleid: rust-command-shell-c
    let status = Command::new("bash")
        .args(["-c", &user_command])
        .status();
    // ok: rust-command-shell-c
    let out2 = Command::new("git").args(["log", rev]).output();
    // ok: rust-command-shell-c
    let out3 = Command::new("sh").arg("-c").arg("ulimit -n").output();
    // ok: rust-command-shell-c
    let child = Command::new("sh")
        .args([
            "-c",
            "printf 'chunk1\\n'; read gate",
        ])
        .spawn();
}

async fn sql(pool: &PgPool, conn: &rusqlite::Connection, name: &str) {
    // ruleid: rust-sql-format-query
    let rows = sqlx::query(&format!("SELECT * FROM users WHERE name = '{name}'")).fetch_all(pool).await;
    // ruleid: rust-sql-format-query
    conn.execute(&format!("DELETE FROM sessions WHERE user = '{}'", name), []);
    // ruleid: rust-sql-format-query
    let q = format!("SELECT * FROM orders WHERE owner = '{}'", name);
    // ok: rust-sql-format-query
    let rows = sqlx::query("SELECT * FROM users WHERE name = $1").bind(name).fetch_all(pool).await;
    // ok: rust-sql-format-query
    conn.execute("DELETE FROM sessions WHERE user = ?1", params![name]);
    // ok: rust-sql-format-query
    let msg = format!("deleted rows for {}", name);
}

async fn page(Query(q): Query<Params>) -> Html<String> {
    // ruleid: rust-html-response-format
    let bad = Html(format!("<h1>Hello {}</h1>", q.name));
    // ruleid: rust-html-response-format
    let raw = html! { p { (PreEscaped(q.bio)) } };
    // ok: rust-html-response-format
    let good = Html(format!("<h1>Hello {}</h1>", html_escape::encode_text(&q.name)));
    // ok: rust-html-response-format
    let fixed = html! { (PreEscaped("<br>")) p { (q.bio) } };
    // ok: rust-html-response-format
    let rendered = Html(HelloTemplate { name: &q.name }.render().unwrap());
    bad
}

async fn directory(ldap: &mut Ldap, user: &str) {
    // ruleid: rust-ldap-xpath-filter-format
    let rs = ldap.search("ou=people,dc=example,dc=com", Scope::Subtree, &format!("(uid={})", user), vec!["cn"]).await;
    // ok: rust-ldap-xpath-filter-format
    let ok = ldap.search("ou=people,dc=example,dc=com", Scope::Subtree, &format!("(uid={})", ldap_escape(user)), vec!["cn"]).await;
    // ruleid: rust-mongo-where-format
    let filter = doc! { "$where": format!("this.owner == '{}'", user) };
    // ok: rust-mongo-where-format
    let filter2 = doc! { "owner": user };
}

fn unzip(archive: &mut ZipArchive<File>, out: &Path) {
    for i in 0..archive.len() {
        let file = archive.by_index(i).unwrap();
        // ruleid: rust-archive-entry-path-traversal
        let dest = out.join(file.name());
        // ok: rust-archive-entry-path-traversal
        let safe = match file.enclosed_name() { Some(p) => out.join(p), None => continue };
    }
}

async fn login(Query(query): Query<LoginQuery>) -> Redirect {
    if query.ok {
        // ok: rust-open-redirect-query-param
        return Redirect::to("/dashboard");
    }
    // ruleid: rust-open-redirect-query-param
    Redirect::to(&query.next)
}
