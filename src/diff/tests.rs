#![cfg(test)]
//! Unit tests of the parent module.

use super::*;

#[test]
fn parses_added_modified_and_deleted_files() {
    let d = b"diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -1,3 +1,4 @@
 import os
-x = 1
+x = 2
+y = 3
 print(x)
diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,2 @@
+hello
+world
\\ No newline at end of file
diff --git a/old.txt b/old.txt
deleted file mode 100644
index 4444444..0000000
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
";
    let set = parse(d).unwrap();
    assert_eq!(set.files.len(), 3);
    let app = &set.files[0];
    assert_eq!(app.path(), "app.py");
    assert_eq!(app.status, FileStatus::Modified);
    assert_eq!(
        app.added,
        vec![
            Line {
                no: 2,
                text: "x = 2".into()
            },
            Line {
                no: 3,
                text: "y = 3".into()
            }
        ]
    );
    assert_eq!(
        app.removed,
        vec![Line {
            no: 2,
            text: "x = 1".into()
        }]
    );
    assert_eq!(set.files[1].status, FileStatus::Added);
    assert_eq!(set.files[1].old_path, None);
    assert_eq!(set.files[1].added.len(), 2);
    assert_eq!(set.files[2].status, FileStatus::Deleted);
    assert_eq!(set.files[2].new_path, None);
    assert_eq!(set.files[2].path(), "old.txt");
}

#[test]
fn parses_renames_binary_and_mode_changes() {
    let d = b"diff --git a/a.rs b/b.rs
similarity index 100%
rename from a.rs
rename to b.rs
diff --git a/img.png b/img.png
new file mode 100644
index 0000000..1111111
Binary files /dev/null and b/img.png differ
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
";
    let set = parse(d).unwrap();
    assert_eq!(set.files.len(), 3);
    assert_eq!(set.files[0].status, FileStatus::Renamed);
    assert_eq!(set.files[0].old_path.as_deref(), Some("a.rs"));
    assert_eq!(set.files[0].new_path.as_deref(), Some("b.rs"));
    assert!(set.files[1].binary);
    assert_eq!(set.files[1].status, FileStatus::Added);
    assert_eq!(set.files[2].new_mode.as_deref(), Some("100755"));
}

#[test]
fn parses_quoted_non_utf8_paths_and_crlf() {
    let d = b"diff --git \"a/\\303\\244 x.py\" \"b/\\303\\244 x.py\"\r
--- \"a/\\303\\244 x.py\"\r
+++ \"b/\\303\\244 x.py\"\r
@@ -1 +1 @@\r
-a\r
+b\r
";
    let set = parse(d).unwrap();
    assert_eq!(set.files[0].path(), "\u{e4} x.py");
    assert_eq!(set.files[0].added[0].text, "b");
}

#[test]
fn plain_unified_diff_with_timestamps() {
    let d = b"--- old/x.js\t2024-01-01 00:00:00\n+++ new/x.js\t2024-01-01 00:00:01\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n";
    let set = parse(d).unwrap();
    assert_eq!(set.files[0].path(), "new/x.js");
    assert_eq!(
        set.files[0].added[0],
        Line {
            no: 2,
            text: "c".into()
        }
    );
}

#[test]
fn lying_counts_and_truncation_are_errors_with_lines() {
    let truncated = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n";
    let e = parse(truncated).unwrap_err();
    assert!(e.message.contains("ends inside a hunk"), "{e}");
    let huge = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1,1000000000 @@\n+a\n";
    assert!(parse(huge).is_err());
    let overflow = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n";
    let e = parse(overflow).unwrap_err();
    assert_eq!(e.line, 7);
}

#[test]
fn garbage_is_not_a_diff_but_empty_is_fine() {
    assert!(parse(b"\x89PNG\r\n\x1a\n\0\0binary").is_err());
    assert_eq!(parse(b"").unwrap().files.len(), 0);
    assert_eq!(parse(b"\n\n").unwrap().files.len(), 0);
}

#[test]
fn invalid_utf8_content_is_decoded_lossily_and_flagged() {
    let d = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+pass\xff = 'x'\n";
    let set = parse(d).unwrap();
    assert!(set.files[0].lossy);
    assert!(set.files[0].added[0].text.starts_with("pass"));
}

#[test]
fn hunk_without_function_context_and_missing_counts() {
    let d = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -5 +5,2 @@ fn main() {\n-a\n+b\n+c\n@@ -10,0 +12 @@\n+d\n";
    let set = parse(d).unwrap();
    let nos: Vec<u32> = set.files[0].added.iter().map(|l| l.no).collect();
    assert_eq!(nos, vec![5, 6, 12]);
    assert_eq!(set.files[0].hunks.len(), 2);
}

mod props {
    use super::super::*;
    use proptest::prelude::*;

    fn lines() -> impl Strategy<Value = Vec<String>> {
        // Small alphabet so diffs have both matches and changes.
        prop::collection::vec("[abc ]{0,6}", 0..40)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn never_panics_on_mutated_diffs(old in lines(), new in lines(), cut in 0usize..4000, flip in any::<u8>()) {
            let o = old.join("\n") + "\n";
            let n = new.join("\n") + "\n";
            let d = similar::TextDiff::from_lines(&o, &n).unified_diff().header("a/f", "b/f").to_string();
            let mut bytes = format!("diff --git a/f b/f\n{d}").into_bytes();
            if !bytes.is_empty() {
                let i = cut % bytes.len();
                bytes[i] ^= flip;
                bytes.truncate(cut.max(i + 1));
            }
            let _ = parse(&bytes);
        }

        #[test]
        fn line_numbers_reconstruct_head_and_base(old in lines(), new in lines()) {
            let o: String = old.iter().map(|l| format!("{l}\n")).collect();
            let n: String = new.iter().map(|l| format!("{l}\n")).collect();
            let d = similar::TextDiff::from_lines(&o, &n).unified_diff().context_radius(3).header("a/f", "b/f").to_string();
            let set = parse(format!("diff --git a/f b/f\n{d}").as_bytes()).unwrap();
            let added: usize = set.files.iter().map(|f| f.added.len()).sum();
            let removed: usize = set.files.iter().map(|f| f.removed.len()).sum();
            for f in &set.files {
                for l in f.added.iter().chain(f.context.iter()) {
                    prop_assert_eq!(&new[l.no as usize - 1], &l.text);
                }
                for l in &f.removed {
                    prop_assert_eq!(&old[l.no as usize - 1], &l.text);
                }
            }
            // Every changed line is accounted for: head = base - removed + added.
            prop_assert_eq!(old.len() + added, new.len() + removed);
        }
    }
}
