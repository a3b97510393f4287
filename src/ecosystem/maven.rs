//! Maven version ordering: Maven's `ComparableVersion` rules. A version is split at `.` and `-`
//! and at every switch between digits and letters into a tree of numbers, qualifiers and
//! sub-lists (`-` and digit/letter switches open a sub-list); trailing "null" items (`0`,
//! the empty qualifier, `ga`, `final`, `release`) are dropped, so `1.0` = `1` = `1.0.0-ga`.
//! Qualifiers order `alpha` < `beta` < `milestone` < `rc` (= `cr`) < `snapshot` < release <
//! `sp`, then any other qualifier, alphabetically; a one-letter `a`, `b`, `m` followed by a
//! digit means `alpha`, `beta`, `milestone`. So `1.0-alpha` < `1.0` < `1.0-sp1` < `1.0-xyz`.
//! No maintained crate implements these rules (the one on crates.io is a single 0.1 release),
//! hence this port.

use std::cmp::Ordering;

#[derive(Debug, Clone)]
enum Item {
    /// Digits without leading zeros (arbitrary length, like Maven's BigInteger).
    Int(String),
    /// A qualifier, lower-cased and de-aliased.
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE: &str = "5";

fn qualifier_key(q: &str) -> String {
    match QUALIFIERS.iter().position(|x| *x == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{q}", QUALIFIERS.len()),
    }
}

fn int_cmp(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Item {
    fn int(s: &str) -> Item {
        let t = s.trim_start_matches('0');
        Item::Int(t.to_owned())
    }

    fn string(s: &str, followed_by_digit: bool) -> Item {
        let s = if followed_by_digit && s.len() == 1 {
            match s {
                "a" => "alpha",
                "b" => "beta",
                "m" => "milestone",
                other => other,
            }
        } else {
            s
        };
        let s = match s {
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            other => other,
        };
        Item::Str(s.to_owned())
    }

    fn is_null(&self) -> bool {
        match self {
            Item::Int(d) => d.is_empty(),
            Item::Str(s) => qualifier_key(s) == RELEASE,
            Item::List(l) => l.is_empty(),
        }
    }

    /// Compares with another item, or with "nothing" (`None`: the other version ended).
    fn cmp_to(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Int(d), None) => {
                if d.is_empty() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Int(a), Some(Item::Int(b))) => int_cmp(a, b),
            (Item::Int(_), Some(_)) => Ordering::Greater,
            (Item::Str(s), None) => qualifier_key(s).as_str().cmp(RELEASE),
            (Item::Str(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => qualifier_key(a).cmp(&qualifier_key(b)),
            (Item::Str(_), Some(Item::List(_))) => Ordering::Less,
            (Item::List(l), None) => l.first().map_or(Ordering::Equal, |f| f.cmp_to(None)),
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => list_cmp(a, b),
        }
    }
}

fn list_cmp(a: &[Item], b: &[Item]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let r = match (a.get(i), b.get(i)) {
            (None, None) => Ordering::Equal,
            (None, Some(r)) => r.cmp_to(None).reverse(),
            (Some(l), r) => l.cmp_to(r),
        };
        if r != Ordering::Equal {
            return r;
        }
    }
    Ordering::Equal
}

fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// A parsed Maven version.
#[derive(Debug, Clone)]
pub(crate) struct Version(Vec<Item>);

/// Builds the item tree.
fn build(text: &str) -> Vec<Item> {
    // Each open list as its own vector; closed into its parent at the end (Maven normalises
    // each list when the parse finishes, innermost first).
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let chars: Vec<char> = text.chars().collect();
    let mut is_digit = false;
    let mut start = 0usize;
    let piece = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
    let item = |digit: bool, s: &str| {
        if digit {
            Item::int(s)
        } else {
            Item::string(s, false)
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '.' | '-' => {
                let Some(cur) = stack.last_mut() else { break };
                if i == start {
                    cur.push(Item::Int(String::new()));
                } else {
                    cur.push(item(is_digit, &piece(start, i)));
                }
                start = i + 1;
                if c == '-' {
                    stack.push(Vec::new());
                }
            }
            c if c.is_ascii_digit() => {
                if !is_digit && i > start {
                    let s = piece(start, i);
                    let Some(cur) = stack.last_mut() else { break };
                    cur.push(Item::string(&s, true));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = true;
            }
            _ => {
                if is_digit && i > start {
                    let s = piece(start, i);
                    let Some(cur) = stack.last_mut() else { break };
                    cur.push(Item::int(&s));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = false;
            }
        }
    }
    if chars.len() > start {
        let s = piece(start, chars.len());
        if let Some(cur) = stack.last_mut() {
            cur.push(item(is_digit, &s));
        }
    }
    while stack.len() > 1 {
        let mut inner = stack.pop().unwrap_or_default();
        normalize(&mut inner);
        if let Some(parent) = stack.last_mut() {
            parent.push(Item::List(inner));
        }
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    root
}

/// Parses a Maven version; None for an empty string or one with characters Maven versions do
/// not use (whitespace, `${…}` property references, ranges such as `[1.0,2.0)`).
pub(crate) fn parse(text: &str) -> Option<Version> {
    let t = text.trim();
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
    {
        return None;
    }
    Some(Version(build(&t.to_ascii_lowercase())))
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Version {}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        list_cmp(&self.0, &other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lt(a: &str, b: &str) {
        let (x, y) = (parse(a).unwrap(), parse(b).unwrap());
        assert!(x < y, "{a} < {b}");
        assert!(y > x, "{b} > {a}");
    }

    fn eq(a: &str, b: &str) {
        assert_eq!(parse(a).unwrap(), parse(b).unwrap(), "{a} = {b}");
    }

    #[test]
    fn qualifiers_order_as_maven_documents() {
        lt("1.0-alpha", "1.0");
        lt("1.0", "1.0-sp1");
        lt("1.0-alpha1", "1.0-beta1");
        lt("1.0-beta1", "1.0-milestone1");
        lt("1.0-m1", "1.0-rc1");
        lt("1.0-rc1", "1.0-snapshot");
        lt("1.0-SNAPSHOT", "1.0");
        lt("1.0-sp1", "1.0-xyz");
        lt("1.0-xyz", "1.0.1");
        lt("1.0-alpha-1", "1.0-alpha-2");
        lt("1.0-alpha-2", "1.0-alpha-10");
        lt("1.0-a1", "1.0-b1");
        lt("2.14.1", "2.15.0");
        lt("2.15.0-rc1", "2.15.0");
        lt("1.9.9", "1.10");
        lt("5.3.18", "5.3.18.1");
        eq("1.0", "1");
        eq("1.0.0", "1");
        eq("1.0-ga", "1");
        eq("1.0.FINAL", "1");
        eq("1.0-cr1", "1.0-rc1");
        eq("1-alpha", "1.0-alpha");
        eq("1.0-Alpha1", "1.0-alpha-1");
    }

    #[test]
    fn unusable_text_is_not_a_version() {
        assert!(parse("").is_none());
        assert!(parse("${jackson.version}").is_none());
        assert!(parse("[1.0,2.0)").is_none());
        assert!(
            parse("...-").is_some(),
            "odd but valid characters still parse"
        );
    }
}
