#![cfg(test)]
//! Unit tests of the parent module.

use super::*;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn repo_with_history() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("a.txt"), "one\n").expect("write");
    std::fs::create_dir(d.join("sub")).expect("mkdir");
    std::fs::write(d.join("sub/b c.txt"), b"bin\0ary\n\n").expect("write");
    std::fs::write(d.join("empty"), b"").expect("write");
    std::fs::write(d.join("line\nbreak"), "odd name\n").expect("write");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "first"]);
    let first = git(d, &["rev-parse", "HEAD"]);
    std::fs::write(d.join("a.txt"), "two\n").expect("write");
    git(d, &["commit", "-q", "-am", "second"]);
    let second = git(d, &["rev-parse", "HEAD"]);
    std::fs::write(d.join("a.txt"), "staged\n").expect("write");
    git(d, &["add", "a.txt"]);
    (dir, first, second)
}

#[test]
fn one_reader_serves_every_revision_and_kind_of_file() {
    let (dir, first, second) = repo_with_history();
    let repo = Repo::discover(dir.path()).expect("repo");
    let at = |c: &str| Rev::Commit(c.to_owned());
    let read = |rev: &Rev, p: &str| repo.read_file(rev, p).expect("read");
    assert_eq!(read(&at(&first), "a.txt").as_deref(), Some(&b"one\n"[..]));
    assert_eq!(read(&at(&second), "a.txt").as_deref(), Some(&b"two\n"[..]));
    assert_eq!(
        read(&Rev::Index, "a.txt").as_deref(),
        Some(&b"staged\n"[..])
    );
    // Bytes come back exactly: NUL, trailing blank line, spaces in the path.
    assert_eq!(
        read(&at(&second), "sub/b c.txt").as_deref(),
        Some(&b"bin\0ary\n\n"[..])
    );
    assert_eq!(read(&at(&second), "empty").as_deref(), Some(&b""[..]));
    // Missing files and directories are "no file", and the reader stays usable after them.
    assert_eq!(read(&at(&first), "nope.txt"), None);
    assert_eq!(read(&at(&first), "sub"), None);
    assert_eq!(read(&at(&first), "a.txt").as_deref(), Some(&b"one\n"[..]));
    // A name with a line break cannot go through the line protocol: read the slow way.
    assert_eq!(
        read(&at(&first), "line\nbreak").as_deref(),
        Some(&b"odd name\n"[..])
    );
    // Clones share the reader (one process), and agree.
    let clone = repo.clone();
    assert_eq!(
        clone
            .read_file(&at(&second), "a.txt")
            .expect("read")
            .as_deref(),
        Some(&b"two\n"[..])
    );
}

#[test]
fn discovery_with_revisions_agrees_with_the_long_way_and_keeps_its_errors() {
    let (dir, first, second) = repo_with_history();
    let sub = dir.path().join("sub");
    let r = Repo::discover_resolving(&sub, "HEAD", "HEAD~1").expect("ok");
    let (repo, head, base) = (r.repo, r.a, r.b);
    assert_eq!(
        (head.as_str(), base.as_str()),
        (second.as_str(), first.as_str())
    );
    assert_eq!(r.merge_base.as_deref(), Some(first.as_str()));
    let long = Repo::discover(&sub).expect("repo");
    assert_eq!(repo.root(), long.root());
    assert_eq!(repo.git_dir().expect("dir"), long.git_dir().expect("dir"));
    assert_eq!(
        repo.git_dir().expect("dir"),
        PathBuf::from(git(dir.path(), &["rev-parse", "--absolute-git-dir"]))
    );
    let err =
        Repo::discover_resolving(&sub, "HEAD", "no-such-branch").expect_err("unknown revision");
    assert!(
        err.to_string()
            .contains("unknown revision `no-such-branch`"),
        "{err}"
    );
    let err =
        Repo::discover_resolving(&sub, "--output=x", "HEAD").expect_err("option-like revision");
    assert!(err.to_string().contains("invalid revision"), "{err}");
    let outside = tempfile::tempdir().expect("tempdir");
    let err =
        Repo::discover_resolving(outside.path(), "HEAD", "HEAD").expect_err("not a repository");
    assert!(err.to_string().contains("not a git repository"), "{err}");
    // Diverged branches: the merge base is the fork point, as `git merge-base` says.
    git(dir.path(), &["stash", "-q"]);
    git(dir.path(), &["checkout", "-q", "-b", "side", &first]);
    std::fs::write(dir.path().join("c.txt"), "side\n").expect("write");
    git(dir.path(), &["add", "c.txt"]);
    git(dir.path(), &["commit", "-q", "-m", "side"]);
    let side = Repo::discover_resolving(dir.path(), "side", "main").expect("ok");
    let expected = git(dir.path(), &["merge-base", "side", "main"]);
    assert_eq!(side.merge_base.as_deref(), Some(expected.as_str()));
    assert_eq!(expected, first);
    // No common history: no merge base (the caller then asks `git merge-base` itself).
    git(dir.path(), &["checkout", "-q", "--orphan", "lonely"]);
    git(dir.path(), &["commit", "-q", "-m", "lonely"]);
    let lonely = Repo::discover_resolving(dir.path(), "lonely", "main").expect("ok");
    assert_eq!(lonely.merge_base, None);
}

#[test]
fn current_branch_reads_head_and_knows_a_detached_head() {
    let (dir, first, _) = repo_with_history();
    let repo = Repo::discover(dir.path()).expect("repo");
    assert_eq!(repo.current_branch().as_deref(), Some("main"));
    git(dir.path(), &["checkout", "-q", "-b", "feature/x"]);
    assert_eq!(repo.current_branch().as_deref(), Some("feature/x"));
    git(dir.path(), &["stash", "-q"]);
    git(dir.path(), &["checkout", "-q", "--detach", &first]);
    assert_eq!(repo.current_branch(), None);
}

#[test]
fn a_prefetched_command_answers_like_running_it() {
    let (dir, first, second) = repo_with_history();
    let repo = Repo::discover(dir.path()).expect("repo");
    let direct = Repo::at(repo.root()).commits(&first, &second).expect("log");
    repo.prefetch_commits(&first, &second);
    let prefetched = repo.commits(&first, &second).expect("log");
    assert_eq!(prefetched, direct);
    assert_eq!(prefetched.len(), 1);
    assert_eq!(prefetched[0].sha, second);
    assert_eq!(prefetched[0].message.trim(), "second");
    // Taken once: the next call runs git again and still agrees.
    assert_eq!(repo.commits(&first, &second).expect("log"), direct);
}
