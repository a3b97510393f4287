//! Canonical JSON for ledger entries: object keys sorted by their UTF-8 bytes, no whitespace,
//! strings escaped as `serde_json` escapes them (the same bytes as Python's
//! `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` for the ASCII keys
//! and integer-only values the ledger uses). Floats are refused: their text is not canonical.

use serde_json::Value;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCanonical(pub String);

/// The canonical bytes of `v`.
pub fn to_vec(v: &Value) -> Result<Vec<u8>, NotCanonical> {
    let mut out = Vec::with_capacity(256);
    write(v, &mut out)?;
    Ok(out)
}

#[cfg(test)]
/// The canonical text of `v`.
pub(crate) fn to_string(v: &Value) -> Result<String, NotCanonical> {
    // Only valid UTF-8 is ever written, so this cannot fail; map it anyway rather than unwrap.
    String::from_utf8(to_vec(v)?).map_err(|e| NotCanonical(e.to_string()))
}

fn write_str(s: &str, out: &mut Vec<u8>) -> Result<(), NotCanonical> {
    let q = serde_json::to_string(s).map_err(|e| NotCanonical(e.to_string()))?;
    out.extend_from_slice(q.as_bytes());
    Ok(())
}

fn write(v: &Value, out: &mut Vec<u8>) -> Result<(), NotCanonical> {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            if n.is_f64() {
                return Err(NotCanonical(format!("floating-point number {n}")));
            }
            out.extend_from_slice(n.to_string().as_bytes());
        }
        Value::String(s) => write_str(s, out)?,
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out)?;
                out.push(b':');
                if let Some(val) = map.get(k) {
                    write(val, out)?;
                }
            }
            out.push(b'}');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth_and_no_whitespace() {
        let v = json!({"b": 1, "a": {"z": [true, null], "y": "é\n\"x\""}});
        assert_eq!(
            to_string(&v).unwrap(),
            r#"{"a":{"y":"é\n\"x\"","z":[true,null]},"b":1}"#
        );
    }

    #[test]
    fn floats_are_refused() {
        assert!(to_vec(&json!({"a": 1.5})).is_err());
        assert!(to_vec(&json!({"a": -3})).is_ok());
    }

    #[test]
    fn control_characters_are_escaped_like_python() {
        let v = json!("\u{1}\u{7f}\t");
        assert_eq!(to_string(&v).unwrap(), "\"\\u0001\u{7f}\\t\"");
    }
}
