//! How a file runs when its name does not say: the language the code rules see for it. An
//! extensionless script by its shebang, a Makefile's recipes as shell, a Jupyter notebook's
//! code cells as Python on the notebook's own lines. Without this such files ran unread.

use std::borrow::Cow;
use std::collections::HashMap;

/// The path the rules see for `path`: itself, or with the extension of the language that
/// runs the file when its name does not say: an extensionless script by its shebang
/// (`bin/tool` with `#!/usr/bin/env python3` → `bin/tool.py`), a Makefile's recipes as shell,
/// a notebook's code cells as Python (see [`notebook_code`]).
pub(crate) fn rule_path<'p>(path: &'p str, first_line: Option<&str>) -> Cow<'p, str> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if matches!(name.as_str(), "makefile" | "gnumakefile") || name.ends_with(".mk") {
        return Cow::Owned(format!("{path}.sh"));
    }
    if name.ends_with(".ipynb") {
        return Cow::Owned(format!("{path}.py"));
    }
    if name.trim_start_matches('.').contains('.') {
        return Cow::Borrowed(path);
    }
    match first_line.and_then(shebang_ext) {
        Some(ext) => Cow::Owned(format!("{path}{ext}")),
        None => Cow::Borrowed(path),
    }
}

/// The file extension of the interpreter a `#!` line names (`#!/usr/bin/env -S python3 -u`).
fn shebang_ext(line: &str) -> Option<&'static str> {
    let rest = line.strip_prefix("#!")?;
    let mut words = rest.split_whitespace();
    let mut prog = words.next()?.rsplit('/').next()?;
    if prog == "env" {
        prog = words.find(|w| !w.starts_with('-') && !w.contains('='))?;
        prog = prog.rsplit('/').next()?;
    }
    let base = prog.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match base {
        "python" | "pypy" => ".py",
        "node" | "nodejs" | "bun" => ".js",
        "deno" | "ts-node" | "tsx" => ".ts",
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "mksh" => ".sh",
        "ruby" => ".rb",
        "php" => ".php",
        "lua" => ".lua",
        _ => return None,
    })
}

/// The 1-based lines of a notebook (`.ipynb` JSON as Jupyter writes it: one source line per
/// JSON string, `cell_type` before `source` in each cell) that hold code-cell source, each
/// decoded to the code it carries. Markdown and raw cells and outputs are left out.
pub(crate) fn notebook_code(text: &str) -> HashMap<u32, String> {
    let mut out = HashMap::new();
    let mut code_cell = false;
    let mut in_source = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if let Some(kind) = t.strip_prefix("\"cell_type\":") {
            code_cell = kind.trim().trim_end_matches(',').trim() == "\"code\"";
            in_source = false;
            continue;
        }
        if t.starts_with("\"source\":") {
            in_source = t.ends_with('[');
            continue;
        }
        if !in_source {
            continue;
        }
        if t.starts_with(']') {
            in_source = false;
            continue;
        }
        if !code_cell {
            continue;
        }
        let lit = t.strip_suffix(',').unwrap_or(t);
        if let Ok(code) = serde_json::from_str::<String>(lit) {
            let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            out.insert(no, code.trim_end_matches('\n').to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_paths_follow_shebangs_makefiles_and_notebooks() {
        assert_eq!(
            rule_path("bin/tool", Some("#!/usr/bin/env python3")),
            "bin/tool.py"
        );
        assert_eq!(
            rule_path("bin/t", Some("#!/usr/bin/env -S node --flag")),
            "bin/t.js"
        );
        assert_eq!(rule_path("run", Some("#!/bin/bash -e")), "run.sh");
        assert_eq!(rule_path("Makefile", None), "Makefile.sh");
        assert_eq!(rule_path("nb/a.ipynb", None), "nb/a.ipynb.py");
        assert_eq!(rule_path("app.py", Some("#!/usr/bin/env node")), "app.py");
        assert_eq!(rule_path("LICENSE", Some("MIT License")), "LICENSE");
        let nb = "{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\",\n   \"source\": [\n    \"eval(x) in prose\"\n   ]\n  },\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"import os\\n\",\n    \"os.system(cmd)\"\n   ]\n  }\n ]\n}\n";
        let code = notebook_code(nb);
        assert_eq!(code.get(&12).map(String::as_str), Some("import os"));
        assert_eq!(code.get(&13).map(String::as_str), Some("os.system(cmd)"));
        assert!(!code.values().any(|c| c.contains("prose")), "{code:?}");
    }
}
