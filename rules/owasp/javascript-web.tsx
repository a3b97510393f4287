import crypto from "crypto";
import jwt from "jsonwebtoken";
import cors from "cors";
import DOMPurify from "dompurify";

function dom(el: HTMLElement, comment: string, html: string) {
  // ruleid: javascript-innerhtml-assignment
  el.innerHTML = comment;
  // ruleid: javascript-innerhtml-assignment
  el.innerHTML += `<li>${comment}</li>`;
  // ruleid: javascript-innerhtml-assignment
  el.insertAdjacentHTML("beforeend", html);
  // ok: javascript-innerhtml-assignment
  el.textContent = comment;
  // ok: javascript-innerhtml-assignment
  el.innerHTML = "";
  // ok: javascript-innerhtml-assignment
  el.innerHTML = DOMPurify.sanitize(html);
  // ok: javascript-innerhtml-assignment
  if (el.innerHTML === html) return;
  // ruleid: javascript-document-write-dynamic
  document.write("<p>" + location.hash + "</p>");
  // ok: javascript-document-write-dynamic
  document.write("<p>loading</p>");
}

function Comment({ body, bio }: { body: string; bio: string }) {
  // ruleid: javascript-react-dangerously-set-inner-html
  const a = <p dangerouslySetInnerHTML={{ __html: body }} />;
  // ruleid: javascript-react-dangerously-set-inner-html
  const b = React.createElement("div", { dangerouslySetInnerHTML: { __html: marked(body) } });
  // ok: javascript-react-dangerously-set-inner-html
  const c = <p dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(bio) }} />;
  // ok: javascript-react-dangerously-set-inner-html
  const d = <p>{body}</p>;
  return a;
}

async function secrets(password: string, body: Buffer) {
  // ruleid: javascript-math-random-for-secret
  const resetToken = Math.random().toString(36).slice(2);
  // ruleid: javascript-math-random-for-secret
  const session = { sessionId: Math.random().toString(16) };
  // ok: javascript-math-random-for-secret
  const resetToken2 = crypto.randomBytes(32).toString("hex");
  // ok: javascript-math-random-for-secret
  const jitter = Math.random() * 1000;
  // ruleid: javascript-weak-hash-for-password
  const hash = crypto.createHash("md5").update(password).digest("hex");
  // ok: javascript-weak-hash-for-password
  const etag = crypto.createHash("md5").update(body).digest("hex");
  // ok: javascript-weak-hash-for-password
  const stored = await bcrypt.hash(password, 12);
  // ruleid: javascript-weak-cipher
  const c1 = crypto.createCipheriv("des-ede3-cbc", key, iv);
  // ruleid: javascript-weak-cipher
  const c2 = crypto.createCipheriv("aes-256-ecb", key, null);
  // ruleid: javascript-weak-cipher
  const c3 = crypto.createCipher("aes-256-cbc", password);
  // ok: javascript-weak-cipher
  const c4 = crypto.createCipheriv("aes-256-gcm", key, iv);
}

function tls() {
  // ruleid: javascript-tls-verification-disabled
  const agent = new https.Agent({ rejectUnauthorized: false });
  // ruleid: javascript-tls-verification-disabled
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  // ok: javascript-tls-verification-disabled
  const opts = { strictSsl: secure ? !!options.rejectUnauthorized : false };
  // ok: javascript-tls-verification-disabled
  const agent2 = new https.Agent({ rejectUnauthorized: true, ca: internalCa });
}

function tokens(token: string, key: string) {
  // ruleid: javascript-jwt-unverified
  const claims = jwt.verify(token, key, { algorithms: ["HS256", "none"] });
  // ruleid: javascript-jwt-unverified
  const user = jwt.decode(token);
  // ok: javascript-jwt-unverified
  const verified = jwt.verify(token, key, { algorithms: ["HS256"] });
  // ok: javascript-jwt-unverified
  const header = jwt.decode(token, { complete: true })?.header;
}

function cookiesAndCors(app, res, sid) {
  // ruleid: javascript-cookie-insecure-flags
  res.cookie("sid", sid, { httpOnly: false, secure: true });
  // ruleid: javascript-cookie-insecure-flags
  app.use(session({ secret: SECRET, cookie: { secure: false, maxAge: 3600 } }));
  // ok: javascript-cookie-insecure-flags
  res.cookie("sid", sid, { httpOnly: true, secure: true, sameSite: "lax" });
  // ok: javascript-cookie-insecure-flags
  const transport = nodemailer.createTransport({ host, port: 587, secure: false });
  // ruleid: javascript-cors-any-origin-with-credentials
  app.use(cors({ origin: true, credentials: true }));
  // ruleid: javascript-cors-any-origin-with-credentials
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin);
  // ok: javascript-cors-any-origin-with-credentials
  app.use(cors({ origin: ["https://app.example.com"], credentials: true }));
  // ok: javascript-cors-any-origin-with-credentials
  app.use(cors({ origin: "*" }));
}

function redirects(req, res) {
  // ruleid: javascript-open-redirect
  res.redirect(req.query.next);
  // ruleid: javascript-open-redirect
  window.location.href = new URLSearchParams(window.location.search).get("returnTo");
  // ok: javascript-open-redirect
  res.redirect("/dashboard");
}

async function massAssign(req, user) {
  // ruleid: javascript-mass-assignment-request-body
  const u = await User.create(req.body);
  // ruleid: javascript-mass-assignment-request-body
  Object.assign(user, req.body);
  // ruleid: javascript-mass-assignment-request-body
  await User.findByIdAndUpdate(req.params.id, req.body);
  // ok: javascript-mass-assignment-request-body
  const v = await User.create({ name: req.body.name, email: req.body.email });
  // ok: javascript-mass-assignment-request-body
  const parsed = schema.parse(req.body);
}
