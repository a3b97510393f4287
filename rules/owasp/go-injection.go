package example

import (
	"database/sql"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
)

func sqlQueries(db *sql.DB, name string, id int) {
	// ruleid: go-sql-sprintf-query
	rows, _ := db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))
	// ruleid: go-sql-sprintf-query
	db.Exec("DELETE FROM sessions WHERE user = '" + name + "'")
	// ruleid: go-sql-sprintf-query
	q := fmt.Sprintf("SELECT * FROM orders WHERE owner = '%s'", name)
	// ok: go-sql-sprintf-query
	rows, _ = db.Query("SELECT * FROM users WHERE name = $1", name)
	// ok: go-sql-sprintf-query
	resp, _ := http.Get(fmt.Sprintf("%s/health", baseURL))
	// ok: go-sql-sprintf-query
	msg := fmt.Sprintf("user %s has %d rows", name, id)
	_, _, _, _ = rows, q, msg, resp
}

func shell(ref string) {
	// ruleid: go-exec-command-shell-c
	exec.Command("sh", "-c", "git log "+ref).Run()
	// ruleid: go-exec-command-shell-c
	exec.CommandContext(ctx, "bash", "-c", fmt.Sprintf("tar xf %s", ref)).Run()
	// ok: go-exec-command-shell-c
	exec.Command("git", "log", ref).Run()
	// ok: go-exec-command-shell-c
	exec.Command("sh", "-c", "ulimit -n").Run()
}

func xss(w http.ResponseWriter, r *http.Request, bio string) {
	// ruleid: go-template-unescaped-cast
	data := template.HTML(bio)
	// ruleid: go-template-unescaped-cast
	link := template.URL(r.FormValue("next"))
	// ok: go-template-unescaped-cast
	banner := template.HTML("<b>maintenance tonight</b>")
	// ok: go-template-unescaped-cast
	clean := template.HTML(policy.Sanitize(bio))
	// ruleid: go-response-writes-request-input
	fmt.Fprintf(w, "<h1>Hello %s</h1>", r.URL.Query().Get("name"))
	// ok: go-response-writes-request-input
	fmt.Fprintf(w, "<h1>Hello %s</h1>", html.EscapeString(r.URL.Query().Get("name")))
	// ruleid: go-template-parse-request-input
	t, _ := template.New("page").Parse(r.FormValue("tpl"))
	// ok: go-template-parse-request-input
	t2 := template.Must(template.New("page").Parse(pageTemplate))
	_, _, _, _, _, _ = data, link, banner, clean, t, t2
}

func directory(user string) {
	// ruleid: go-ldap-filter-sprintf
	filter := fmt.Sprintf("(&(objectClass=person)(uid=%s))", user)
	// ok: go-ldap-filter-sprintf
	safe := fmt.Sprintf("(&(objectClass=person)(uid=%s))", ldap.EscapeFilter(user))
	// ruleid: go-mongo-where-dynamic
	q := bson.M{"$where": fmt.Sprintf("this.owner == '%s'", user)}
	// ok: go-mongo-where-dynamic
	q2 := bson.M{"owner": user}
	_, _, _, _ = filter, safe, q, q2
}

func files(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-path-traversal-request-path
	data, _ := os.ReadFile(filepath.Join("uploads", r.URL.Query().Get("name")))
	// ruleid: go-path-traversal-request-path
	http.ServeFile(w, r, "static/"+r.FormValue("file"))
	// ok: go-path-traversal-request-path
	f, _ := os.Open(filepath.Join("uploads", filepath.Base(r.FormValue("name"))))
	// ruleid: go-ssrf-request-url
	resp, _ := http.Get(r.URL.Query().Get("url"))
	// ok: go-ssrf-request-url
	resp2, _ := http.Get("https://api.example.com/status")
	// ruleid: go-open-redirect-request-param
	http.Redirect(w, r, r.URL.Query().Get("next"), http.StatusFound)
	// ok: go-open-redirect-request-param
	http.Redirect(w, r, "/login", http.StatusFound)
	_, _, _, _ = data, f, resp, resp2
}
