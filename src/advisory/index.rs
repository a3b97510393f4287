//! The per-ecosystem name index of the store: `name → (offset, length)` lines sorted by name,
//! looked up by binary search on the file without reading it through (older unsorted stores
//! are hashed on open).

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) struct EcoIndex {
    pub(super) lookup: Lookup,
    pub(super) file: Option<Mutex<File>>,
}

/// How an index finds a name's records.
pub(super) enum Lookup {
    /// Lines sorted by name: binary search over the bytes as read (look(1)), so opening npm's
    /// 20k-name index costs one read.
    Sorted(Vec<u8>),
    /// An unsorted index (older stores): hashed once.
    Map(HashMap<String, Vec<(u64, u32)>>),
}

fn malformed(line: usize) -> String {
    format!("line {line}: malformed index entry; re-import the database")
}

/// `name TAB offset TAB length` → (offset, length).
fn index_spot(line: &[u8]) -> Option<(u64, u32)> {
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split('\t').skip(1);
    let (Some(off), Some(len), None) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    Some((off.parse().ok()?, len.parse().ok()?))
}

impl Lookup {
    /// Where the records of `norm` are; an error names the malformed line.
    pub(super) fn spots(&self, norm: &str) -> std::result::Result<Vec<(u64, u32)>, String> {
        let text = match self {
            Lookup::Map(map) => return Ok(map.get(norm).cloned().unwrap_or_default()),
            Lookup::Sorted(text) => text.as_slice(),
        };
        let norm = norm.as_bytes();
        // The line holding byte `pos`: (start, end without the newline).
        let line_at = |pos: usize| {
            let start = memchr::memrchr(b'\n', &text[..pos]).map_or(0, |i| i + 1);
            let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i);
            (start, end)
        };
        let name_of = |(s, e): (usize, usize)| {
            let l = &text[s..e];
            &l[..memchr::memchr(b'\t', l).unwrap_or(l.len())]
        };
        // `lo` is always a line start; lines starting before it sort below `norm`, lines
        // starting at or after `hi` do not.
        let (mut lo, mut hi) = (0, text.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (s, e) = line_at(mid);
            if name_of((s, e)) < norm {
                lo = (e + 1).min(text.len());
            } else {
                hi = s;
            }
        }
        let mut out = Vec::new();
        while lo < text.len() {
            let (s, e) = line_at(lo);
            if name_of((s, e)) != norm {
                break;
            }
            let spot = index_spot(&text[s..e])
                .ok_or_else(|| malformed(memchr::memchr_iter(b'\n', &text[..s]).count() + 1))?;
            out.push(spot);
            lo = e + 1;
        }
        Ok(out)
    }
}

pub(super) fn load_index(
    dir: &Path,
    eco: Ecosystem,
    sorted: bool,
) -> std::result::Result<EcoIndex, String> {
    let _t = tracing::debug_span!("advisory::load_index", eco = eco.as_str()).entered();
    let idx_path = dir.join(format!("{}.idx", eco_file(eco)));
    let bytes = match std::fs::read(&idx_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(EcoIndex {
                lookup: Lookup::Map(HashMap::new()),
                file: None,
            })
        }
        Err(e) => return Err(e.to_string()),
    };
    let lookup = if sorted {
        Lookup::Sorted(bytes)
    } else {
        let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
        let mut map: HashMap<String, Vec<(u64, u32)>> = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let (Some((name, _)), Some(spot)) =
                (line.split_once('\t'), index_spot(line.as_bytes()))
            else {
                return Err(malformed(i + 1));
            };
            map.entry(name.to_owned()).or_default().push(spot);
        }
        Lookup::Map(map)
    };
    let data_path = dir.join(format!("{}.jsonl", eco_file(eco)));
    let file = File::open(&data_path).map_err(|e| format!("{}: {e}", data_path.display()))?;
    Ok(EcoIndex {
        lookup,
        file: Some(Mutex::new(file)),
    })
}
