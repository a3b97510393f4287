package example;

import java.io.File;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class Injection {
    void sql(Connection conn, Statement stmt, String name, String id) throws Exception {
        // ruleid: java-sql-string-concat
        stmt.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
        // ruleid: java-sql-string-concat
        PreparedStatement bad = conn.prepareStatement("DELETE FROM sessions WHERE id = " + id);
        // ruleid: java-sql-string-concat
        em.createQuery("from User u where u.name = '" + name + "'").getResultList();
        // ruleid: java-sql-string-concat
        jdbcTemplate.queryForList(String.format("SELECT * FROM orders WHERE owner = '%s'", name));
        // ok: java-sql-string-concat
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?");
        // ok: java-sql-string-concat
        em.createQuery("from User u where u.name = :name").setParameter("name", name);
        // ok: java-sql-string-concat
        log.info("SELECT took " + elapsed + "ms");
    }

    void shell(String file, String ref) throws Exception {
        // ruleid: java-runtime-exec-concat
        Runtime.getRuntime().exec("convert " + file + " out.png");
        // ruleid: java-runtime-exec-concat
        Runtime.getRuntime().exec(new String[] {"sh", "-c", cmd});
        // ok: java-runtime-exec-concat
        Runtime.getRuntime().exec(new String[] {"convert", file, "out.png"});
        // ruleid: java-processbuilder-shell-c
        new ProcessBuilder("bash", "-c", "git log " + ref).start();
        // ok: java-processbuilder-shell-c
        new ProcessBuilder("git", "log", ref).start();
        // ok: java-processbuilder-shell-c
        new ProcessBuilder("sh", "-c", "ulimit -n").start();
    }

    void ldapXpath(DirContext ctx, XPath xpath, String user) throws Exception {
        // ruleid: java-ldap-filter-concat
        ctx.search("ou=people,dc=example,dc=com", "(uid=" + user + ")", controls);
        // ruleid: java-ldap-filter-concat
        String filter = "(&(objectClass=person)(cn=" + user + "))";
        // ok: java-ldap-filter-concat
        ctx.search("ou=people,dc=example,dc=com", "(uid={0})", new Object[] {user}, controls);
        // ruleid: java-xpath-concat
        XPathExpression expr = xpath.compile("//user[@name='" + user + "']");
        // ok: java-xpath-concat
        XPathExpression safe = xpath.compile("//user[@name=$name]");
        // ok: java-xpath-concat
        Pattern p = Pattern.compile("^[a-z]+" + suffix);
    }

    void expressions(HttpServletRequest request, String expr) {
        // ruleid: java-expression-language-injection
        Object v = parser.parseExpression(request.getParameter("q")).getValue();
        // ruleid: java-expression-language-injection
        Object w = parser.parseExpression(expr).getValue(context);
        // ok: java-expression-language-injection
        Object total = parser.parseExpression("price * quantity").getValue(order);
        // ruleid: java-mongo-where-concat
        collection.find(new Document("$where", "this.owner == '" + user + "'"));
        // ok: java-mongo-where-concat
        collection.find(Filters.eq("owner", user));
    }

    void web(HttpServletRequest request, HttpServletResponse response) throws Exception {
        // ruleid: java-servlet-reflected-xss
        response.getWriter().println("<p>Hello " + request.getParameter("name") + "</p>");
        // ok: java-servlet-reflected-xss
        response.getWriter().println("<p>Hello " + Encode.forHtml(request.getParameter("name")) + "</p>");
        // ruleid: java-path-traversal-request-param
        File f = new File("/srv/uploads/" + request.getParameter("file"));
        // ruleid: java-path-traversal-request-param
        byte[] data = Files.readAllBytes(Paths.get(base, request.getParameter("name")));
        // ok: java-path-traversal-request-param
        File g = new File("/srv/uploads/", UUID.randomUUID().toString());
        // ruleid: java-ssrf-request-param-url
        URL url = new URL(request.getParameter("callback"));
        // ok: java-ssrf-request-param-url
        URL api = new URL("https://api.example.com/v1/status");
        // ruleid: java-open-redirect-request-param
        response.sendRedirect(request.getParameter("next"));
        // ok: java-open-redirect-request-param
        response.sendRedirect(request.getContextPath() + "/home");
    }

    String login(String returnUrl) {
        if (ok) {
            // ok: java-open-redirect-request-param
            return "redirect:/dashboard";
        }
        // ruleid: java-open-redirect-request-param
        return "redirect:" + returnUrl;
    }
}
