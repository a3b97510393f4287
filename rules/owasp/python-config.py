import hashlib
import os
import random
import secrets

import jwt
from Crypto.Cipher import AES, DES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from flask_cors import CORS
from lxml import etree

# ruleid: python-django-debug-true
DEBUG = True
# ok: python-django-debug-true
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
# ok: python-django-debug-true
TEMPLATE_DEBUG = DEBUG

# ruleid: python-insecure-cookie-flags
SESSION_COOKIE_SECURE = False
# ok: python-insecure-cookie-flags
SESSION_COOKIE_SECURE = True

# ruleid: python-cors-any-origin-with-credentials
CORS_ALLOW_ALL_ORIGINS = True
# ok: python-cors-any-origin-with-credentials
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]


def serve(app):
    # ruleid: python-flask-run-debug-true
    app.run(host="0.0.0.0", debug=True)
    # ok: python-flask-run-debug-true
    app.run(host="127.0.0.1", debug=os.environ.get("FLASK_DEBUG") == "1")
    # ruleid: python-cors-any-origin-with-credentials
    CORS(app, origins="*", supports_credentials=True)
    # ok: python-cors-any-origin-with-credentials
    CORS(app, origins=["https://app.example.com"], supports_credentials=True)


def hashing(password, data):
    # ruleid: python-weak-hash-for-password
    digest = hashlib.md5(password.encode()).hexdigest()
    # ruleid: python-weak-hash-for-password
    digest = hashlib.new("sha1", user_password).hexdigest()
    # ok: python-weak-hash-for-password
    etag = hashlib.md5(data).hexdigest()
    # ok: python-weak-hash-for-password
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def tokens():
    # ruleid: python-random-module-for-secret
    reset_token = "".join(random.choice(ALPHABET) for _ in range(32))
    # ruleid: python-random-module-for-secret
    api_key = "%032x" % random.getrandbits(128)
    # ok: python-random-module-for-secret
    reset_token = secrets.token_urlsafe(32)
    # ok: python-random-module-for-secret
    delay = random.uniform(0.1, 0.5)


def ciphers(key, iv):
    # ruleid: python-weak-cipher-des-rc4-ecb
    c = DES.new(key, DES.MODE_CBC, iv)
    # ruleid: python-weak-cipher-des-rc4-ecb
    c = AES.new(key, AES.MODE_ECB)
    # ruleid: python-weak-cipher-des-rc4-ecb
    c = Cipher(algorithms.AES(key), modes.ECB())
    # ok: python-weak-cipher-des-rc4-ecb
    c = AES.new(key, AES.MODE_GCM, nonce=iv)
    # ok: python-weak-cipher-des-rc4-ecb
    c = Cipher(algorithms.AES(key), modes.GCM(iv))


def tokens_jwt(token, key):
    # ruleid: python-jwt-decode-without-verification
    claims = jwt.decode(token, options={"verify_signature": False})
    # ruleid: python-jwt-decode-without-verification
    claims = jwt.decode(token, key, algorithms=["none"])
    # ruleid: python-jwt-decode-without-verification
    claims = jwt.decode(token, key, verify=False)
    # ok: python-jwt-decode-without-verification
    claims = jwt.decode(token, key, algorithms=["HS256"])


def cookies(resp, sid):
    # ruleid: python-insecure-cookie-flags
    resp.set_cookie("session", sid, secure=False, httponly=True)
    # ok: python-insecure-cookie-flags
    resp.set_cookie("session", sid, secure=True, httponly=True, samesite="Lax")


class ArticleForm(ModelForm):
    class Meta:
        model = Article
        # ruleid: python-django-modelform-all-fields
        fields = "__all__"


class CommentForm(ModelForm):
    class Meta:
        model = Comment
        # ok: python-django-modelform-all-fields
        fields = ["title", "body"]


def xml(data):
    # ruleid: python-xml-parser-resolves-entities
    parser = etree.XMLParser(resolve_entities=True)
    # ok: python-xml-parser-resolves-entities
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: python-xml-parser-resolves-entities
    tree = defusedxml.ElementTree.fromstring(data)
