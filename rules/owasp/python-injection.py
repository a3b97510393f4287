import os

import jinja2
import ldap
import requests
from django.utils.safestring import mark_safe
from flask import redirect, render_template, render_template_string, request, send_file, send_from_directory, url_for
from markupsafe import Markup, escape
from werkzeug.utils import secure_filename


def ssti(name):
    # ruleid: python-flask-ssti-render-template-string
    return render_template_string(f"<h1>Hello {name}</h1>")
    # ruleid: python-flask-ssti-render-template-string
    return render_template_string(request.args.get("tpl"))
    # ruleid: python-flask-ssti-render-template-string
    tpl = jinja2.Template(f"Dear {name},")
    # ok: python-flask-ssti-render-template-string
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)
    # ok: python-flask-ssti-render-template-string
    return render_template("hello.html", name=name)


def xss(comment, user):
    # ruleid: python-markup-mark-safe-dynamic
    html = Markup(f"<p>{comment}</p>")
    # ruleid: python-markup-mark-safe-dynamic
    bio = mark_safe(user.bio)
    # ruleid: python-markup-mark-safe-dynamic
    html = Markup("<b>%s</b>" % comment)
    # ok: python-markup-mark-safe-dynamic
    html = Markup("<br>")
    # ok: python-markup-mark-safe-dynamic
    html = Markup("<p>{}</p>").format(comment)
    # ok: python-markup-mark-safe-dynamic
    html = escape(comment)
    # ok: python-markup-mark-safe-dynamic
    rv = Markup(rv)


def ldap_lookup(conn, user):
    # ruleid: python-ldap-filter-interpolated
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={user})")
    # ruleid: python-ldap-filter-interpolated
    conn.search("dc=example,dc=com", "(&(objectClass=person)(cn=%s))" % user)
    # ok: python-ldap-filter-interpolated
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={ldap.filter.escape_filter_chars(user)})")
    # ok: python-ldap-filter-interpolated
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(objectClass=person)")


def xpath(tree, name):
    # ruleid: python-xpath-query-interpolated
    nodes = tree.xpath(f"//user[@name='{name}']")
    # ruleid: python-xpath-query-interpolated
    nodes = tree.xpath("//user[@name='%s']" % name)
    # ok: python-xpath-query-interpolated
    nodes = tree.xpath("//user[@name=$name]", name=name)
    # ok: python-xpath-query-interpolated
    first = text.find("//", start)


def mongo(db, name):
    # ruleid: python-mongo-where-or-raw-request-filter
    db.users.find({"$where": f"this.name == '{name}'"})
    # ruleid: python-mongo-where-or-raw-request-filter
    user = db.users.find_one(request.json)
    # ok: python-mongo-where-or-raw-request-filter
    user = db.users.find_one({"name": str(request.json["name"])})
    # ok: python-mongo-where-or-raw-request-filter
    db.users.find({"age": {"$gt": 18}})


def ssrf():
    # ruleid: python-ssrf-request-controlled-url
    r = requests.get(request.args["url"], timeout=5)
    # ruleid: python-ssrf-request-controlled-url
    r = requests.post(f"{request.form['hook']}/notify", json={})
    # ok: python-ssrf-request-controlled-url
    r = requests.get("https://api.example.com/v1/items", params={"q": request.args["q"]}, timeout=5)


def files():
    # ruleid: python-path-traversal-request-path
    return send_file(os.path.join("uploads", request.args["name"]))
    # ruleid: python-path-traversal-request-path
    data = open("/srv/files/" + request.args.get("f")).read()
    # ok: python-path-traversal-request-path
    return send_from_directory("uploads", request.args["name"])
    # ok: python-path-traversal-request-path
    path = os.path.join("uploads", secure_filename(request.files["doc"].filename))


def redirects():
    # ruleid: python-open-redirect-request-param
    return redirect(request.args.get("next"))
    # ok: python-open-redirect-request-param
    return redirect(url_for("index"))
