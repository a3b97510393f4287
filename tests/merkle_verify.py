#!/usr/bin/env python3
"""Independent verifier for guardrail's audit ledger (Python 3 standard library only).

Written from the specifications, not from guardrail's code:
  * RFC 9162 section 2.1.3.2 (verifying an inclusion proof) and 2.1.4.2 (verifying a
    consistency proof), with RFC 6962 hashing: leaf = SHA-256(0x00 || data),
    node = SHA-256(0x01 || left || right);
  * the ledger format of docs/ledger.md: one canonical JSON object per line,
    {"entry": {...}, "hash": hex(SHA-256(prev || canonical(entry)))}, prev = 32 zero bytes for
    the first line; Merkle leaf data = the 32-byte entry hash.

Usage:
  merkle_verify.py proofs FILE     FILE holds one proof object or a list of them (as printed by
                                   `guardrail ledger prove` / `ledger consistency`); prints a JSON
                                   list of booleans, one per proof; exit 0 iff all verify.
  merkle_verify.py ledger FILE     checks the hash chain; prints {"entries": N, "root": hex}
                                   (exit 1 naming the first bad line).
  merkle_verify.py root FILE SIZE  prints the Merkle root (hex) of the first SIZE entries.
"""

import hashlib
import json
import sys


def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def verify_inclusion(leaf_index, tree_size, h, path, root):
    """RFC 9162 2.1.3.2."""
    if leaf_index >= tree_size:
        return False
    fn, sn = leaf_index, tree_size - 1
    r = h
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_hash, second_hash, path):
    """RFC 9162 2.1.4.2; equal sizes need an empty proof and equal roots."""
    if first < 1 or first > second:
        return False
    if first == second:
        return len(path) == 0 and first_hash == second_hash
    if not path:
        return False
    path = list(path)
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0


def h(s):
    b = bytes.fromhex(s)
    if len(b) != 32:
        raise ValueError("not a 32-byte hash")
    return b


def check_proof(p):
    try:
        path = [h(x) for x in p["path"]]
        if p["type"] == "inclusion":
            leaf = leaf_hash(h(p["entry_hash"])) if "entry_hash" in p else h(p["leaf_hash"])
            return verify_inclusion(p["leaf_index"], p["tree_size"], leaf, path, h(p["root"]))
        if p["type"] == "consistency":
            return verify_consistency(p["first"], p["second"], h(p["first_root"]), h(p["second_root"]), path)
    except (KeyError, TypeError, ValueError):
        return False
    return False


def canonical(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def read_chain(path):
    """Entry hashes of a ledger file; raises ValueError naming the first bad line."""
    data = open(path, "rb").read()
    prev = bytes(32)
    hashes = []
    lines = data.split(b"\n")
    if lines[-1] != b"":
        raise ValueError("line %d: incomplete last line" % len(lines))
    for n, line in enumerate(lines[:-1], start=1):
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ValueError("line %d: not JSON" % n)
        if not isinstance(obj, dict) or set(obj) != {"entry", "hash"} or canonical(obj) != line:
            raise ValueError("line %d: not a canonical {entry, hash} object" % n)
        want = sha256(prev + canonical(obj["entry"]))
        if obj["hash"] != want.hex():
            raise ValueError("line %d: hash mismatch" % n)
        hashes.append(want)
        prev = want
    return hashes


def mth(leaves):
    """RFC 6962 Merkle tree hash over leaf hashes."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def main(argv):
    if len(argv) >= 3 and argv[1] == "proofs":
        doc = json.load(open(argv[2], encoding="utf-8"))
        proofs = doc if isinstance(doc, list) else [doc]
        results = [check_proof(p) for p in proofs]
        print(json.dumps(results))
        return 0 if all(results) else 1
    if len(argv) >= 3 and argv[1] in ("ledger", "root"):
        try:
            hashes = read_chain(argv[2])
        except ValueError as e:
            print("invalid: %s" % e, file=sys.stderr)
            return 1
        size = int(argv[3]) if argv[1] == "root" else len(hashes)
        root = mth([leaf_hash(x) for x in hashes[:size]])
        if argv[1] == "root":
            print(root.hex())
        else:
            print(json.dumps({"entries": len(hashes), "root": root.hex()}))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
