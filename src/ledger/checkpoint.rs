//! Signed checkpoints in the C2SP `tlog-checkpoint` signed-note format:
//!
//! ```text
//! <origin>\n<tree size>\n<base64 root hash>\n\n— <key name> <base64(key id || signature)>\n
//! ```
//!
//! Ed25519 keys as the C2SP `signed-note` spec (and Go's `golang.org/x/mod/sumdb/note`) write
//! them: key id = first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key); verifier key
//! `name+<8 hex key id>+base64(0x01 || public key)`; private key
//! `PRIVATE+KEY+name+<8 hex key id>+base64(0x01 || 32-byte seed)`. The signature covers the note
//! text up to and including the newline before the blank line. A checkpoints file holds notes
//! one after another, separated by one blank line.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::chain::Hash;

/// Default key name for `ledger keygen`.
pub(crate) const DEFAULT_KEY_NAME: &str = "guardrail-ledger";
/// The signed-note algorithm byte for Ed25519.
const ALG_ED25519: u8 = 0x01;
/// The signature line prefix: an em dash and a space.
const SIG_PREFIX: &str = "\u{2014} ";

/// The 4-byte key id of an Ed25519 key.
pub(crate) fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '+' || c.is_control()) {
        return Err(format!(
            "invalid key name `{name}`: must be non-empty, without spaces or `+`"
        ));
    }
    Ok(())
}

/// A private key that signs checkpoints.
pub struct Signer {
    name: String,
    key: SigningKey,
    id: [u8; 4],
}

/// A public key that verifies checkpoint signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    /// Key name.
    pub name: String,
    /// Key id.
    pub(crate) id: [u8; 4],
    key: VerifyingKey,
}

impl Signer {
    /// A fresh random key named `name`.
    pub fn generate(name: &str) -> Result<Signer, String> {
        check_name(name)?;
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(Signer {
            name: name.to_owned(),
            key,
            id,
        })
    }

    /// Parses `PRIVATE+KEY+name+hexid+base64(0x01||seed)` (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Signer, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("PRIVATE+KEY+")
            .ok_or("not a signed-note private key (expected PRIVATE+KEY+name+id+key)")?;
        let (name, id, key) = split_key(rest)?;
        let seed: [u8; 32] = key
            .try_into()
            .map_err(|_| "private key is not 32 bytes".to_owned())?;
        let sk = SigningKey::from_bytes(&seed);
        if key_id(&name, sk.verifying_key().as_bytes()) != id {
            return Err("private key id does not match the key".into());
        }
        Ok(Signer { name, key: sk, id })
    }

    /// The private key text.
    pub fn private_text(&self) -> String {
        let mut k = vec![ALG_ED25519];
        k.extend_from_slice(&self.key.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex::encode(self.id),
            B64.encode(k)
        )
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Signs a checkpoint for a tree of `size` leaves with root `root`.
    pub fn sign(&self, origin: &str, size: u64, root: &Hash) -> Result<String, String> {
        if origin.is_empty() || origin.contains('\n') {
            return Err("checkpoint origin must be one non-empty line".into());
        }
        let body = format!("{origin}\n{size}\n{}\n", B64.encode(root));
        let sig = self.key.sign(body.as_bytes());
        let mut blob = self.id.to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        Ok(format!(
            "{body}\n{SIG_PREFIX}{} {}\n",
            self.name,
            B64.encode(blob)
        ))
    }
}

fn split_key(rest: &str) -> Result<(String, [u8; 4], Vec<u8>), String> {
    let mut parts = rest.splitn(3, '+');
    let (Some(name), Some(idhex), Some(key64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("malformed key (expected name+id+key)".into());
    };
    check_name(name)?;
    let id: [u8; 4] = hex::decode(idhex)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or("key id is not 8 hex digits")?;
    let raw = B64.decode(key64).map_err(|_| "key is not base64")?;
    match raw.split_first() {
        Some((&ALG_ED25519, key)) => Ok((name.to_owned(), id, key.to_vec())),
        _ => Err("unsupported key algorithm (only Ed25519, 0x01)".into()),
    }
}

impl Verifier {
    /// Parses `name+hexid+base64(0x01||pubkey)`.
    pub fn parse(text: &str) -> Result<Verifier, String> {
        let (name, id, key) = split_key(text.trim())?;
        let pk: [u8; 32] = key
            .try_into()
            .map_err(|_| "public key is not 32 bytes".to_owned())?;
        if key_id(&name, &pk) != id {
            return Err("verifier key id does not match the key".into());
        }
        let key =
            VerifyingKey::from_bytes(&pk).map_err(|_| "invalid Ed25519 public key".to_owned())?;
        Ok(Verifier { name, id, key })
    }

    /// The verifier key text.
    pub fn text(&self) -> String {
        let mut k = vec![ALG_ED25519];
        k.extend_from_slice(self.key.as_bytes());
        format!("{}+{}+{}", self.name, hex::encode(self.id), B64.encode(k))
    }
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    /// Key name.
    pub(crate) name: String,
    /// Key id.
    pub(crate) id: [u8; 4],
    /// The signature bytes (64 for Ed25519).
    pub(crate) sig: Vec<u8>,
}

/// A parsed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checkpoint {
    /// Origin line.
    pub(crate) origin: String,
    /// Tree size.
    pub(crate) size: u64,
    /// Root hash.
    pub(crate) root: Hash,
    /// The signed text.
    pub(crate) body: String,
    /// Signatures.
    pub(crate) signatures: Vec<Signature>,
}

impl Checkpoint {
    /// `None`: no signature by this key; `Some(ok)`: whether its signature verifies.
    pub(crate) fn verify(&self, v: &Verifier) -> Option<bool> {
        let s = self
            .signatures
            .iter()
            .find(|s| s.name == v.name && s.id == v.id)?;
        let Ok(bytes) = <[u8; 64]>::try_from(s.sig.as_slice()) else {
            return Some(false);
        };
        let sig = ed25519_dalek::Signature::from_bytes(&bytes);
        Some(v.key.verify_strict(self.body.as_bytes(), &sig).is_ok())
    }
}

/// Parses a checkpoints file: notes separated by one blank line. On error: the 1-based
/// checkpoint number and what is wrong.
pub(crate) fn parse_all(text: &str) -> Result<Vec<Checkpoint>, (usize, String)> {
    let mut out = Vec::new();
    if text.is_empty() {
        return Ok(out);
    }
    if !text.ends_with('\n') {
        return Err((
            1 + text.matches("\n\n").count() / 2,
            "incomplete last checkpoint (no final newline)".into(),
        ));
    }
    let lines: Vec<&str> = text[..text.len() - 1].split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let n = out.len() + 1;
        let start = i;
        while i < lines.len() && !lines[i].is_empty() {
            i += 1;
        }
        let header = &lines[start..i];
        if header.len() < 3 || i >= lines.len() {
            return Err((
                n,
                "expected origin, size and root lines, then a blank line".into(),
            ));
        }
        i += 1;
        let mut signatures = Vec::new();
        while i < lines.len() && lines[i].starts_with(SIG_PREFIX) {
            signatures.push(parse_sig(&lines[i][SIG_PREFIX.len()..]).map_err(|m| (n, m))?);
            i += 1;
        }
        if signatures.is_empty() {
            return Err((n, "no signature line".into()));
        }
        if i < lines.len() {
            if !lines[i].is_empty() || i + 1 >= lines.len() {
                return Err((n, "checkpoints must be separated by one blank line".into()));
            }
            i += 1;
        }
        let size: u64 = header[1]
            .parse()
            .ok()
            .filter(|_| {
                !header[1].starts_with('+') && (header[1] == "0" || !header[1].starts_with('0'))
            })
            .ok_or((
                n,
                format!("tree size `{}` is not a decimal number", header[1]),
            ))?;
        let root: Hash = B64
            .decode(header[2])
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or((n, "root hash is not base64 of 32 bytes".to_owned()))?;
        let mut body = header.join("\n");
        body.push('\n');
        out.push(Checkpoint {
            origin: header[0].to_owned(),
            size,
            root,
            body,
            signatures,
        });
    }
    Ok(out)
}

fn parse_sig(rest: &str) -> Result<Signature, String> {
    let (name, b64) = rest.split_once(' ').ok_or("malformed signature line")?;
    let raw = B64
        .decode(b64)
        .map_err(|_| "signature is not base64".to_owned())?;
    if raw.len() < 5 {
        return Err("signature too short".into());
    }
    Ok(Signature {
        name: name.to_owned(),
        id: [raw[0], raw[1], raw[2], raw[3]],
        sig: raw[4..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_signatures_verify() {
        let s = Signer::generate("ci.example/ledger").unwrap();
        let s2 = Signer::parse(&s.private_text()).unwrap();
        let v = Verifier::parse(&s.verifier().text()).unwrap();
        assert_eq!(v, s2.verifier());
        let note = s.sign("example.com/log", 7, &[9u8; 32]).unwrap();
        let mut two = note.clone();
        two.push('\n');
        two.push_str(&s.sign("example.com/log", 8, &[8u8; 32]).unwrap());
        let cps = parse_all(&two).unwrap();
        assert_eq!(cps.len(), 2);
        assert_eq!(cps[0].size, 7);
        assert_eq!(cps[1].root, [8u8; 32]);
        assert_eq!(cps[0].verify(&v), Some(true));
        let other = Signer::generate("other").unwrap().verifier();
        assert_eq!(cps[0].verify(&other), None);
        let forged = note.replace("\n7\n", "\n8\n");
        assert_eq!(parse_all(&forged).unwrap()[0].verify(&v), Some(false));
    }

    /// The Go `note` package's published test vector (golang.org/x/mod/sumdb/note).
    #[test]
    fn go_note_key_vector() {
        let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let s = Signer::parse(skey).unwrap();
        assert_eq!(s.verifier().text(), vkey);
        let msg = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
        let sig = s.key.sign(msg.as_bytes());
        let mut blob = s.id.to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        assert_eq!(
            B64.encode(blob),
            "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        );
    }

    /// The C2SP signed-note spec's example verifier key and note.
    #[test]
    fn c2sp_spec_example_verifies() {
        let v = Verifier::parse(
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        )
        .unwrap();
        let sig = "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=";
        let s = parse_sig(&format!("example.com/foo {sig}")).unwrap();
        let cp = Checkpoint {
            origin: String::new(),
            size: 0,
            root: [0; 32],
            body: "This is an example message.\n".into(),
            signatures: vec![s],
        };
        assert_eq!(cp.verify(&v), Some(true));
    }
}
