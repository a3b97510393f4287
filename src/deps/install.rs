//! Install surfaces: packages installed outside manifests, by commands in added lines of
//! scripts, Dockerfiles, CI workflows (`run:` steps) and READMEs: `pip install x`,
//! `npm i x`, `yarn add x`, `pnpm add x`, `cargo add x`, `go get x`, … Each named package is an
//! added dependency (version only when the command pins one).

use std::sync::OnceLock;

use regex::Regex;

use super::requirements::parse_requirement;
use super::{ChangeKind, Dep, DepChange, DepSource, Ecosystem};
use crate::diff::FileChange;

/// Whether a file is a place install commands live.
pub(crate) fn is_surface(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|x| x.1).unwrap_or("");
    lower.starts_with("dockerfile")
        || lower.ends_with(".dockerfile")
        || lower == "containerfile"
        || lower == "makefile"
        || lower == "justfile"
        || lower == "procfile"
        || lower == "vagrantfile"
        || matches!(
            ext,
            "sh" | "bash"
                | "zsh"
                | "ps1"
                | "bat"
                | "cmd"
                | "mk"
                | "yml"
                | "yaml"
                | "md"
                | "markdown"
                | "rst"
                | "adoc"
        )
        || lower.starts_with("readme")
        || lower.starts_with("install")
}

fn command_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)(?:^|[\s;&|(`'\x22$>])
            (?:sudo\s+(?:-\S+\s+)*)?
            (?P<tool>
                pip(?:3(?:\.\d+)?)?\s+install
              | python(?:3(?:\.\d+)?)?\s+-m\s+pip\s+install
              | uv\s+pip\s+install | uv\s+add | poetry\s+add | pipx\s+install | pdm\s+add
              | npm\s+(?:install|add|in|i)
              | yarn\s+(?:global\s+)?add
              | pnpm\s+(?:add|install\s+--save|i\s+--save)
              | bun\s+(?:add|install|i)
              | cargo\s+(?:add|install)
              | go\s+(?:get|install)
            )\b(?P<args>(?:\s+[^\s;&|\#]+)*)",
        )
        .unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
    })
}

fn ecosystem(tool: &str) -> Ecosystem {
    let first = tool.split_whitespace().next().unwrap_or("");
    match first {
        "npm" | "yarn" | "pnpm" | "bun" => Ecosystem::Npm,
        "cargo" => Ecosystem::CratesIo,
        "go" => Ecosystem::Go,
        _ => Ecosystem::PyPI,
    }
}

/// Options that take a value, per ecosystem.
fn takes_value(eco: Ecosystem, opt: &str) -> bool {
    match eco {
        Ecosystem::PyPI => matches!(
            opt,
            "-r" | "--requirement"
                | "-c"
                | "--constraint"
                | "-i"
                | "--index-url"
                | "--extra-index-url"
                | "-f"
                | "--find-links"
                | "-t"
                | "--target"
                | "--prefix"
                | "--root"
                | "--platform"
                | "--python-version"
                | "--trusted-host"
                | "-e"
                | "--editable"
                | "--src"
                | "--python"
                | "-p"
                | "--group"
                | "-G"
        ),
        Ecosystem::Npm => matches!(
            opt,
            "--registry" | "--prefix" | "-w" | "--workspace" | "--tag" | "--cwd"
        ),
        Ecosystem::CratesIo => matches!(
            opt,
            "--version"
                | "--vers"
                | "--git"
                | "--path"
                | "--registry"
                | "--index"
                | "--features"
                | "-F"
                | "--branch"
                | "--tag"
                | "--rev"
                | "--root"
                | "--target"
                | "--bin"
                | "--package"
                | "-p"
                | "--rename"
                | "--manifest-path"
                | "--example"
                | "-j"
                | "--jobs"
                | "--profile"
                | "--target-dir"
        ),
        Ecosystem::Go => matches!(opt, "-modfile" | "-C" | "-o" | "-tags"),
        // No install command of these is recognised (see `ecosystem`).
        Ecosystem::Maven
        | Ecosystem::RubyGems
        | Ecosystem::Packagist
        | Ecosystem::NuGet
        | Ecosystem::GitHubActions => false,
    }
}

/// The dependencies one line installs.
pub(crate) fn scan_line(text: &str, path: &str, line: u32) -> Vec<Dep> {
    let mut out = Vec::new();
    for cap in command_re().captures_iter(text) {
        let (Some(tool), Some(args)) = (cap.name("tool"), cap.name("args")) else {
            continue;
        };
        let eco = ecosystem(tool.as_str());
        let words: Vec<&str> = args.as_str().split_whitespace().collect();
        let mut i = 0;
        let mut cargo_version: Option<String> = None;
        let mut git: Option<String> = None;
        let mut names: Vec<Dep> = Vec::new();
        while i < words.len() {
            let w = words[i].trim_matches(|c| c == '\'' || c == '"' || c == '`');
            i += 1;
            if w == "\\" || w.starts_with('>') || w.starts_with('<') || w.contains("$(") {
                break;
            }
            if let Some(opt) = w.strip_prefix('-') {
                let (o, has_eq) = match opt.split_once('=') {
                    Some((o, _)) => (o, true),
                    None => (opt, false),
                };
                let o = format!("-{o}");
                if !has_eq && takes_value(eco, &o) {
                    let v = words
                        .get(i)
                        .map(|v| v.trim_matches(|c| c == '\'' || c == '"').to_owned());
                    i += 1;
                    match o.as_str() {
                        "--version" | "--vers" => cargo_version = v,
                        "--git" => git = v,
                        _ => {}
                    }
                }
                continue;
            }
            if w.is_empty()
                || w.starts_with('.')
                || w.starts_with('/')
                || w.starts_with('~')
                || w.starts_with('$')
                || w.contains("://")
                || w.contains('*')
            {
                continue;
            }
            if let Some(d) = word_dep(eco, w, path, line) {
                names.push(d);
            }
        }
        if eco == Ecosystem::CratesIo {
            for d in &mut names {
                if let (Some(v), None) = (&cargo_version, &d.version) {
                    let v = v.trim_start_matches('=');
                    d.exact = semver::Version::parse(v).is_ok();
                    d.version = Some(v.to_owned());
                }
                if let Some(g) = &git {
                    d.source = DepSource::Git(g.clone());
                }
            }
        }
        out.extend(names);
    }
    out
}

fn word_dep(eco: Ecosystem, w: &str, path: &str, line: u32) -> Option<Dep> {
    let mk = |name: &str, version: Option<&str>, exact: bool, source: DepSource| Dep {
        ecosystem: eco,
        name: name.to_owned(),
        version: version.map(str::to_owned),
        exact,
        path: path.to_owned(),
        line: Some(line),
        source,
    };
    let valid = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.@/".contains(c))
    };
    match eco {
        Ecosystem::PyPI => {
            let e = parse_requirement(w, path, line)?;
            let mut d = e.dep;
            d.ecosystem = Ecosystem::PyPI;
            Some(d)
        }
        Ecosystem::Npm => {
            if w.starts_with("github:") || w.starts_with("git+") || w.starts_with("git@") {
                return None;
            }
            let (name, ver) = match super::version_at(w) {
                Some(i) => (&w[..i], Some(&w[i + 1..])),
                None => (w, None),
            };
            if !valid(name) || (name.contains('/') && !name.starts_with('@')) {
                return None;
            }
            let exact =
                ver.is_some_and(|v| semver::Version::parse(v.trim_start_matches('v')).is_ok());
            let ver = ver.filter(|v| !v.is_empty() && *v != "latest");
            Some(mk(name, ver, exact, DepSource::Registry))
        }
        Ecosystem::CratesIo => {
            let (name, ver) = match w.split_once('@') {
                Some((n, v)) => (n, Some(v.trim_start_matches('='))),
                None => (w, None),
            };
            if !valid(name) || name.contains('/') {
                return None;
            }
            let exact = ver.is_some_and(|v| semver::Version::parse(v).is_ok());
            Some(mk(name, ver, exact, DepSource::Registry))
        }
        Ecosystem::Go => {
            let (name, ver) = match w.split_once('@') {
                Some((n, v)) => (n, Some(v)),
                None => (w, None),
            };
            if !valid(name) || !name.contains('.') || name.ends_with("...") {
                return None;
            }
            let ver = ver.filter(|v| v.starts_with('v'));
            Some(mk(name, ver, ver.is_some(), DepSource::Registry))
        }
        Ecosystem::Maven
        | Ecosystem::RubyGems
        | Ecosystem::Packagist
        | Ecosystem::NuGet
        | Ecosystem::GitHubActions => None,
    }
}

/// Install commands in a file's added lines.
pub(crate) fn scan_file(f: &FileChange) -> Vec<DepChange> {
    let path = f.path();
    if !is_surface(path) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for l in &f.added {
        if !l.text.contains("install")
            && !l.text.contains("add")
            && !l.text.contains("get")
            && !l.text.contains(" i ")
        {
            continue;
        }
        for dep in scan_line(&l.text, path, l.no) {
            out.push(DepChange {
                dep,
                kind: ChangeKind::Added,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<String> {
        scan_line(line, "Dockerfile", 1)
            .into_iter()
            .map(|d| {
                format!(
                    "{}:{}@{}{}",
                    d.ecosystem.as_str(),
                    d.name,
                    d.version.unwrap_or_default(),
                    if d.exact { "!" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn commands_of_each_tool() {
        assert_eq!(
            names(
                "RUN pip install --no-cache-dir requests==2.19.0 'flask>=2' -r req.txt && echo ok"
            ),
            vec!["PyPI:requests@2.19.0!", "PyPI:flask@>=2"]
        );
        assert_eq!(
            names("RUN python3 -m pip install -i https://x.example/simple evil-pkg"),
            vec!["PyPI:evil-pkg@"]
        );
        assert_eq!(
            names("      - run: npm i lodash@4.17.15 @types/node --save-dev"),
            vec!["npm:lodash@4.17.15!", "npm:@types/node@"]
        );
        assert_eq!(
            names("yarn add left-pad; pnpm add is-odd@latest"),
            vec!["npm:left-pad@", "npm:is-odd@"]
        );
        assert_eq!(
            names("$ cargo add serde@1.0.100 --features derive"),
            vec!["crates.io:serde@1.0.100!"]
        );
        assert_eq!(
            names("cargo install ripgrep --version 13.0.0"),
            vec!["crates.io:ripgrep@13.0.0!"]
        );
        assert_eq!(
            names("go get github.com/pkg/errors@v0.9.1 ./..."),
            vec!["Go:github.com/pkg/errors@v0.9.1!"]
        );
        assert!(names("npm install").is_empty());
        assert!(names("pip install -e .").is_empty());
        assert!(names("We install things here").is_empty());
        assert!(names("pip install -r requirements.txt").is_empty());
    }

    #[test]
    fn surfaces() {
        assert!(is_surface("docker/Dockerfile.dev"));
        assert!(is_surface(".github/workflows/ci.yml"));
        assert!(is_surface("README.md"));
        assert!(!is_surface("src/main.rs"));
    }
}
