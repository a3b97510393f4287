//! Scoring of an edit-distance or affix hit: the kind of edit ([`EditKind`]), where it falls in
//! the name ([`Place`]), and the points that the name's length and the target's rank add.

use super::is_sep;

/// What kind of single edit turns the target into the candidate: the kinds people and attackers
/// make differ in how often they are innocent (a plain substitution in a short name is usually
/// another word; a swap or a doubled letter rarely is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EditKind {
    /// Adjacent letters swapped.
    Swap,
    /// A letter doubled, or one of a doubled pair dropped.
    Doubled,
    /// A neighbouring key.
    Keyboard,
    /// A look-alike character (`l`/`1`, `o`/`0`, `I`/`l`).
    Lookalike,
    /// Another digit standing for a letter (`3` for `e`, `4` for `a`).
    Leet,
    /// Only separators differ.
    Separator,
    /// A letter dropped.
    Dropped,
    /// A letter added.
    Extra,
    /// A letter replaced by an unrelated one.
    Substituted,
    /// Two edits (long names only).
    Two,
}

impl EditKind {
    /// Points the kind contributes to the score (see [`score`]).
    fn points(self) -> i32 {
        match self {
            EditKind::Lookalike => 5,
            EditKind::Separator => 1,
            EditKind::Swap | EditKind::Doubled | EditKind::Leet => 3,
            EditKind::Keyboard | EditKind::Dropped => 2,
            EditKind::Extra => 1,
            EditKind::Substituted => 0,
            EditKind::Two => -1,
        }
    }
}

/// Where in the candidate an edit falls, for [`score`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Place {
    /// The name has several words (separators).
    pub(crate) multi_word: bool,
    /// Length of the word the edit falls in (0: unknown).
    pub(crate) word_len: usize,
    /// The edit is at the first character of a word.
    pub(crate) word_start: bool,
    /// The edit is at the last character of the name.
    pub(crate) name_end: bool,
    /// An `s` added or dropped at the end of a word (plural and singular).
    pub(crate) plural: bool,
}

/// Points for the length of a name (separators dropped): a long name one edit from a popular
/// one is rarely a coincidence; a 4-letter one usually is.
pub(super) fn len_points(len: usize) -> i32 {
    match len {
        0..=4 => -2,
        5 => -1,
        6 | 7 => 0,
        8..=10 => 1,
        11..=14 => 2,
        15..=19 => 3,
        _ => 4,
    }
}

/// Points for the target's download rank (0-based): popular targets are what attackers imitate
/// and people mistype.
pub(super) fn rank_points(rank: u32) -> i32 {
    match rank {
        0..100 => 3,
        100..1_000 => 2,
        1_000..5_000 => 1,
        _ => 0,
    }
}

/// The suspicion score of a name `len` characters long (separators dropped) at one edit of
/// kind `kind`, at `place`, from the target at 0-based download rank `rank`: the kind's points
/// plus [`len_points`] and [`rank_points`], minus what makes an innocent neighbour likely:
/// - a letter changed (not to a neighbouring key) inside a short word of a longer name is
///   another word (`types-boto3-sts` and `…-sqs`, `@aws-cdk/core` and `@aws-sdk/core`): −3;
/// - one letter changed in a name of several words: the length counts at most 2 (the other
///   words are shared context, not evidence);
/// - an edit at the first letter of a word other than a swap (people rarely mistype it;
///   `tslint-…`/`eslint-…`),
///   at the very end of the name (`expresso`, `file-save`), or a plural `s`: −1 each;
/// - only separators differ: the length counts at most 1 (both spellings are often real).
pub(crate) fn score(kind: EditKind, len: usize, rank: u32, place: Place) -> i32 {
    let mut lp = len_points(len);
    if kind == EditKind::Separator {
        lp = lp.min(1);
    }
    let substitution = matches!(
        kind,
        EditKind::Substituted | EditKind::Keyboard | EditKind::Lookalike | EditKind::Leet
    );
    if place.multi_word && substitution {
        lp = lp.min(2);
    }
    let mut s = kind.points() + lp + rank_points(rank);
    // A neighbouring key is a typo even in a short word (`lasy_static`); an unrelated letter
    // or a look-alike there is usually another word (`sns`/`sqs`, `mpi`/`mpl`).
    if place.multi_word
        && matches!(
            kind,
            EditKind::Substituted | EditKind::Lookalike | EditKind::Leet
        )
        && place.word_len > 0
        && place.word_len <= 4
    {
        s -= 3;
    }
    // Swapping the first two letters is a typo like any other swap.
    if place.word_start && kind != EditKind::Swap {
        s -= 1;
    }
    if place.name_end && matches!(kind, EditKind::Extra | EditKind::Dropped) && !place.plural {
        s -= 1;
    }
    if place.plural {
        s -= 1;
    }
    s
}

/// For each character of the separator-free spelling of `work`: the length of its word, and
/// whether it starts or ends one. The bool: the name has several words.
pub(super) fn word_map(work: &str) -> (Vec<(usize, bool, bool)>, bool) {
    let words: Vec<&str> = work.split(is_sep).filter(|w| !w.is_empty()).collect();
    let mut out = Vec::with_capacity(work.len());
    for w in &words {
        let n = w.chars().count();
        for i in 0..n {
            out.push((n, i == 0, i + 1 == n));
        }
    }
    (out, words.len() > 1)
}

/// Where the single edit between `p` (candidate spelling, `squashed` or normalized) and `tk`
/// falls, mapped onto the words of `work`.
pub(super) fn place_of(work: &str, p: &str, squashed: bool, tk: &str, kind: EditKind) -> Place {
    let (map, multi) = word_map(work);
    let pc: Vec<char> = p.chars().collect();
    let tc: Vec<char> = tk.chars().collect();
    let i = pc
        .iter()
        .zip(&tc)
        .position(|(a, b)| a != b)
        .unwrap_or(pc.len().min(tc.len()));
    // Index among the candidate's non-separator characters.
    let k = if squashed {
        (pc.len() == map.len()).then_some(i)
    } else {
        Some(pc.iter().take(i).filter(|c| !is_sep(**c)).count())
    };
    let at = |k: usize| map.get(k.min(map.len().saturating_sub(1))).copied();
    let (word_len, word_start, word_end) = k.and_then(at).unwrap_or((0, i == 0, false));
    let ch = match kind {
        EditKind::Extra => pc.get(i).copied(),
        EditKind::Dropped => tc.get(i).copied(),
        _ => None,
    };
    let plural = ch == Some('s')
        && (word_end || i + 1 >= pc.len())
        && (kind == EditKind::Extra || i >= pc.len() || pc.get(i).is_some_and(|c| is_sep(*c)));
    Place {
        multi_word: multi,
        word_len,
        word_start: word_start || i == 0,
        name_end: i + 1 >= pc.len(),
        plural,
    }
}
