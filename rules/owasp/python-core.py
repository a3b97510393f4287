import os
import pickle
import subprocess
import requests
import yaml


def sql(cur, name, uid):
    # ruleid: python-sql-string-built-query
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ruleid: python-sql-string-built-query
    cur.execute("SELECT * FROM users WHERE id = %s" % uid)
    # ruleid: python-sql-string-built-query
    cur.execute("SELECT * FROM users WHERE id = " + uid)
    # ruleid: python-sql-string-built-query
    cur.execute("SELECT * FROM users WHERE name = '" + name + "'")
    # ok: python-sql-string-built-query
    cur.execute("SELECT * FROM users WHERE name = %s", (name,))
    # ok: python-sql-string-built-query
    cur.execute("SELECT 1")
    # ruleid: python-sql-string-built-query
    cur.execute(f"""SELECT * FROM users WHERE name = '{name}'""")
    # ok: python-sql-string-built-query
    cur.execute(f'select x as "x [INIT]", x from test')
    # ok: python-sql-string-built-query
    cur.execute('PRAGMA %s = %s;' % (pragma, value))
    # ok: python-sql-string-built-query
    curs.execute("SET TRANSACTION ISOLATION LEVEL %s" % level)
    # ok: python-sql-string-built-query
    conn.execute(f"ATTACH DATABASE '{path}' AS aux")
    # ruleid: python-sql-string-built-query
    cur.execute("DELETE FROM sessions WHERE token = '%s'" % token)


def shell(ref, path):
    # ruleid: python-shell-true-subprocess
    subprocess.run(f"git log {ref}", shell=True)
    # ok: python-shell-true-subprocess
    subprocess.run(["git", "log", ref], check=True)
    # ruleid: python-os-system-interpolated
    os.system(f"rm -rf {path}")
    # ruleid: python-os-system-interpolated
    os.system(command)
    # ok: python-os-system-interpolated
    os.system("make clean")


def deser(blob, text):
    # ruleid: python-pickle-load-untrusted
    obj = pickle.loads(blob)
    # ok: python-pickle-load-untrusted
    data = json.loads(blob)
    # ok: python-pickle-load-untrusted
    clone = pickle.loads(pickle.dumps(obj))
    # ruleid: python-yaml-unsafe-load
    cfg = yaml.load(text, Loader=yaml.Loader)
    # ruleid: python-yaml-unsafe-load
    cfg = yaml.load(text, Loader=yaml.UnsafeLoader)
    # ruleid: python-yaml-unsafe-load
    cfg = yaml.load_all(text, yaml.FullLoader)
    # ruleid: python-yaml-unsafe-load
    cfg = yaml.unsafe_load(text)
    # ok: python-yaml-unsafe-load
    cfg = yaml.safe_load(text)
    # ok: python-yaml-unsafe-load
    cfg = yaml.load(text, Loader=yaml.SafeLoader)
    # ok: python-yaml-unsafe-load
    cfg = yaml.load(text, yaml.CSafeLoader)
    # ok: python-yaml-unsafe-load
    return yaml.load(yamlstr, loader)
    # ruleid: python-yaml-load-without-loader
    cfg = yaml.load(text)
    # ruleid: python-yaml-load-without-loader
    data = yaml.load(StringIO(contents))
    # ok: python-yaml-load-without-loader
    cfg = yaml.load(text, Loader=yaml.SafeLoader)
    # ok: python-yaml-load-without-loader
    cfg = yaml.safe_load(text)
    # ok: python-yaml-load-without-loader
    # the template, as loaded by json.load() or yaml.load(), or as given


def tls(url):
    # ruleid: python-tls-verify-disabled
    requests.get(url, verify=False)
    # ok: python-tls-verify-disabled
    requests.get(url, timeout=5)
    # ruleid: python-tls-verify-disabled
    ctx.verify_mode = ssl.CERT_NONE
    # ok: python-tls-verify-disabled
    ctx.check_hostname = False if pinned else True
    # ok: python-tls-verify-disabled
    requests.get(url, verify="/etc/ssl/internal-ca.pem")


def dynamic(expr):
    # ruleid: python-eval-exec-dynamic
    return eval(expr)
    # ok: python-eval-exec-dynamic
    return ast.literal_eval(expr)
    # ok: python-eval-exec-dynamic
    model.eval()
    # ok: python-eval-exec-dynamic
    # never call eval(user_input) here


class Expr:
    # ok: python-eval-exec-dynamic
    def eval(self, env):
        return self.value
