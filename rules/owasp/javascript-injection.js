const { exec, execFile, spawn } = require("child_process");
const child_process = require("child_process");
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const ejs = require("ejs");
const serialize = require("node-serialize");

function shell(req, ref) {
  // ruleid: javascript-child-process-exec-interpolated
  exec(`git log ${ref}`, (err, out) => console.log(out));
  // ruleid: javascript-child-process-exec-interpolated
  child_process.execSync("convert " + req.query.file + " out.png");
  // ok: javascript-child-process-exec-interpolated
  execFile("git", ["log", ref], (err, out) => console.log(out));
  // ok: javascript-child-process-exec-interpolated
  const m = /(\d+)/.exec(`${ref}`);
  // ok: javascript-child-process-exec-interpolated
  exec("npm test");
  // ruleid: javascript-spawn-shell-true
  spawn("tar", ["-xf", req.body.archive], { shell: true });
  // ok: javascript-spawn-shell-true
  spawn("tar", ["-xf", archivePath], { cwd: "/tmp" });
}

async function sql(db, knex, prisma, id, name) {
  // ruleid: javascript-sql-interpolated-query
  await db.query(`SELECT * FROM users WHERE id = ${id}`);
  // ruleid: javascript-sql-interpolated-query
  await db.query("SELECT * FROM users WHERE name = '" + name + "'");
  // ruleid: javascript-sql-interpolated-query
  await prisma.$queryRawUnsafe(`DELETE FROM sessions WHERE user = '${name}'`);
  // ruleid: javascript-sql-interpolated-query
  await knex("users").whereRaw(`name = '${name}'`);
  // ok: javascript-sql-interpolated-query
  await db.query("SELECT * FROM users WHERE id = $1", [id]);
  // ok: javascript-sql-interpolated-query
  await prisma.$queryRaw`SELECT * FROM users WHERE id = ${id}`;
  // ok: javascript-sql-interpolated-query
  await knex("users").whereRaw("name = ?", [name]);
  // ok: javascript-sql-interpolated-query
  const res = await client.query(`{ user(id: 1) { name } }`);
}

function dynamic(code, req) {
  // ruleid: javascript-eval-dynamic
  const result = eval(code);
  // ruleid: javascript-eval-dynamic
  const v = eval(`(${req.body.expr})`);
  // ruleid: javascript-eval-dynamic
  vm.runInNewContext(req.body.script, sandbox);
  // ok: javascript-eval-dynamic
  const data = JSON.parse(code);
  // ok: javascript-eval-dynamic
  // never call eval(userInput) on request data
  // ok: javascript-eval-dynamic
  model.eval();
  // ruleid: javascript-function-constructor-dynamic
  const fn = new Function("a", "b", req.body.code);
  // ruleid: javascript-function-constructor-dynamic
  const g = Function(code);
  // ok: javascript-function-constructor-dynamic
  const glob = Function("return this")();
  // ok: javascript-function-constructor-dynamic
  if (code instanceof Function) return code;
}

function templates(req, name) {
  // ruleid: javascript-template-engine-user-template
  const html = ejs.render(req.body.template, { user });
  // ruleid: javascript-template-engine-user-template
  const t = _.template(`<p>Hello ${name}</p>`);
  // ok: javascript-template-engine-user-template
  const page = ejs.render(PROFILE_TEMPLATE, { name: req.body.name });
}

async function mongo(req, User) {
  // ruleid: javascript-nosql-operator-injection
  const user = await User.findOne(req.body);
  // ruleid: javascript-nosql-operator-injection
  const docs = await db.collection("users").find({ $where: "this.name == '" + req.query.name + "'" });
  // ok: javascript-nosql-operator-injection
  const u = await User.findOne({ email: String(req.body.email) });
}

function ldapXpath(client, user, doc) {
  // ruleid: javascript-ldap-xpath-filter-interpolated
  client.search("ou=people,dc=example,dc=com", { filter: `(uid=${user})`, scope: "sub" });
  // ruleid: javascript-ldap-xpath-filter-interpolated
  const nodes = xpath.select("//user[@name='" + user + "']", doc);
  // ok: javascript-ldap-xpath-filter-interpolated
  client.search("ou=people,dc=example,dc=com", { filter: new EqualityFilter({ attribute: "uid", value: user }) });
  // ok: javascript-ldap-xpath-filter-interpolated
  const all = xpath.select("//user", doc);
}

function files(req, res) {
  // ruleid: javascript-path-traversal-request-path
  res.sendFile(path.join(__dirname, "uploads", req.params.name));
  // ruleid: javascript-path-traversal-request-path
  const text = fs.readFileSync("/srv/data/" + req.query.file, "utf8");
  // ok: javascript-path-traversal-request-path
  res.sendFile(req.params.name, { root: UPLOAD_DIR });
  // ok: javascript-path-traversal-request-path
  const p = path.join(UPLOAD_DIR, path.basename(req.params.name));
}

async function ssrf(req) {
  // ruleid: javascript-ssrf-request-controlled-url
  const r = await fetch(req.query.url);
  // ruleid: javascript-ssrf-request-controlled-url
  const a = await axios.get(`${req.body.webhook}/ping`);
  // ok: javascript-ssrf-request-controlled-url
  const b = await fetch(`https://api.example.com/items?q=${encodeURIComponent(req.query.q)}`);
}

function deser(req) {
  // ruleid: javascript-unsafe-deserialization
  const obj = serialize.unserialize(req.cookies.profile);
  // ok: javascript-unsafe-deserialization
  const data = JSON.parse(req.cookies.profile);
}

function xml(body) {
  // ruleid: javascript-xml-external-entities-enabled
  const doc = libxmljs.parseXml(body, { noent: true });
  // ok: javascript-xml-external-entities-enabled
  const safe = libxmljs.parseXml(body, { noent: false, nonet: true });
}
