//! The dependency rule of `src/lib.rs` (`kinmu::LAYERS`), checked on the
//! source: every `crate::…` path (in `use` lines, groups and code) names the
//! module it uses; a module may use its own layer and the layers before it,
//! and no top-level modules use each other in a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`None`: lib.rs, main.rs).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// The top-level modules named by `crate::` paths in `code` (comments
/// removed), including `use crate::{a, b::c}` groups.
fn used_modules(code: &str) -> BTreeSet<String> {
    names_after(code, "crate::")
}

/// The first segment of every path in `code` that starts with `prefix`
/// (e.g. `crate::`, `crate::web::`, `super::`), groups included.
fn names_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices(prefix) {
        // `crate::web::` must not match inside `kinmu_crate::web::`, nor
        // `super::` inside `super::super::`'s second half.
        let before = code[..i].chars().next_back();
        let after = &code[i + prefix.len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            // The first identifier of each item at depth one.
            let mut depth = 0;
            let mut start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        start = false;
                        let name = ident(&group[j..]);
                        if !name.is_empty() {
                            used.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    used
}

fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every edge between two top-level modules, with a file that makes it.
fn edges() -> BTreeMap<(String, String), PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges = BTreeMap::new();
    for file in files {
        let Some(from) = module_of(&src, &file) else {
            continue;
        };
        let code = without_comments(&std::fs::read_to_string(&file).unwrap());
        for to in used_modules(&code) {
            if to != from {
                edges.entry((from.clone(), to)).or_insert_with(|| file.clone());
            }
        }
    }
    edges
}

fn layer_of(module: &str) -> Option<usize> {
    kinmu::LAYERS.iter().position(|layer| layer.contains(&module))
}

#[test]
fn crate_paths_are_read_from_use_groups_and_code_but_not_comments() {
    let code = without_comments(
        "use crate::{a, b::{c, d}, e::f};\nlet x = crate::g::h();\n// crate::comment\nuse crate::i as j;",
    );
    let found: Vec<String> = used_modules(&code).into_iter().collect();
    assert_eq!(found, ["a", "b", "e", "g", "i"]);
}

#[test]
fn every_module_has_a_layer_and_uses_only_its_own_and_earlier_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for f in &files {
        modules.extend(module_of(&src, f));
    }
    let unplaced: Vec<_> = modules.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "modules without a layer in kinmu::LAYERS: {unplaced:?}"
    );

    let edges = edges();
    let against: Vec<String> = edges
        .iter()
        .filter(|((from, to), _)| match (layer_of(from), layer_of(to)) {
            (Some(a), Some(b)) => b > a,
            _ => false,
        })
        .map(|((from, to), file)| format!("{from} → {to} ({})", file.display()))
        .collect();
    assert!(
        against.is_empty(),
        "edges against the dependency rule of src/lib.rs:\n{}",
        against.join("\n")
    );
}

#[test]
fn no_top_level_modules_use_each_other_in_a_cycle() {
    let edges = edges();
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from.as_str()).or_default().push(to.as_str());
    }
    // Depth-first search; a module met again on the current path closes a cycle.
    fn visit<'a>(
        m: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(i) = path.iter().position(|p| *p == m) {
            let mut cycle = path[i..].to_vec();
            cycle.push(m);
            return Some(cycle);
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for to in next.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(to, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in next.keys() {
        let cycle = visit(m, &next, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "a cycle of modules: {}",
            cycle.unwrap_or_default().join(" → ")
        );
    }
}

fn src_files(under: &str) -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(under);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|f| {
            let code = without_comments(&std::fs::read_to_string(&f).unwrap());
            (f, code)
        })
        .collect()
}

#[test]
fn the_screens_and_the_api_are_siblings_and_neither_uses_the_other() {
    // Both render the read models below web/ (report, month, policy): the
    // API never calls a screen's function, a screen never an API handler.
    let mut against = Vec::new();
    for (file, code) in src_files("web/api") {
        let depth = file
            .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/api"))
            .unwrap()
            .components()
            .count();
        // From web/api/x.rs, `super::super::` is web; from web/api/mod.rs, `super::`.
        let up = if file.ends_with("mod.rs") && depth == 1 {
            "super::"
        } else {
            "super::super::"
        };
        if names_after(&code, "crate::web::").contains("ui") || names_after(&code, up).contains("ui") {
            against.push(format!("{} uses web::ui", file.display()));
        }
    }
    for (file, code) in src_files("web/ui") {
        let web = names_after(&code, "crate::web::");
        if web.contains("api") {
            against.push(format!("{} uses web::api", file.display()));
        }
        let top = file.parent().unwrap().ends_with("src/web/ui");
        let up = if top && !file.ends_with("mod.rs") {
            "super::super::"
        } else {
            "super::"
        };
        if top && names_after(&code, up).contains("api") {
            against.push(format!("{} uses web::api", file.display()));
        }
    }
    assert!(against.is_empty(), "{}", against.join("\n"));
}

#[test]
fn nothing_under_web_queries_the_database() {
    // Every query lives under db/ (one file per table group); the surfaces
    // ask the read models and write functions.
    let querying: Vec<String> = src_files("web")
        .into_iter()
        .filter(|(_, code)| {
            code.contains("db::schema") || code.contains("diesel::prelude") || code.contains("diesel::dsl")
        })
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert!(querying.is_empty(), "SQL under web/: {querying:?}");
}

/// The second-level units of `src/` (`monitor::daily`, `web::ui`) and the
/// units of the same top-level module each uses, through `crate::top::x`
/// or, from a file directly under `src/top/`, `super::x`.
fn unit_edges() -> BTreeMap<(String, String), PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges = BTreeMap::new();
    for file in files {
        let rel: Vec<String> = file
            .strip_prefix(&src)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        if rel.len() < 2 || rel[1] == "mod" {
            continue;
        }
        let (top, unit) = (&rel[0], &rel[1]);
        let code = without_comments(&std::fs::read_to_string(&file).unwrap());
        let mut used = names_after(&code, &format!("crate::{top}::"));
        let up = match rel.len() {
            2 => "super::".to_string(),
            3 if rel[2] == "mod" => "super::".to_string(),
            n => "super::".repeat(n - 1 - usize::from(rel[n - 1] == "mod")),
        };
        used.extend(names_after(&code, &up));
        for to in used {
            if &to != unit && to != "super" && to != "self" {
                edges
                    .entry((format!("{top}::{unit}"), format!("{top}::{to}")))
                    .or_insert_with(|| file.clone());
            }
        }
    }
    edges
}

#[test]
fn the_files_of_a_module_do_not_use_each_other_in_a_cycle() {
    let edges = unit_edges();
    let pairs: Vec<String> = edges
        .keys()
        .filter(|(a, b)| edges.contains_key(&(b.clone(), a.clone())) && a < b)
        .map(|(a, b)| {
            format!(
                "{a} ↔ {b} ({} and {})",
                edges[&(a.clone(), b.clone())].display(),
                edges[&(b.clone(), a.clone())].display()
            )
        })
        .collect();
    assert!(pairs.is_empty(), "units using each other:\n{}", pairs.join("\n"));
}

#[test]
fn no_file_under_src_runs_past_800_lines_without_saying_why() {
    let long: Vec<String> = {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        files
            .into_iter()
            .filter_map(|f| {
                let text = std::fs::read_to_string(&f).unwrap();
                let lines = text.lines().count();
                let doc: String = text.lines().take_while(|l| l.starts_with("//!")).collect();
                (lines > 800 && !doc.contains("800 lines")).then(|| format!("{} ({lines} lines)", f.display()))
            })
            .collect()
    };
    assert!(
        long.is_empty(),
        "files past 800 lines whose //! does not say why: {long:?}"
    );
}

#[test]
fn every_query_lives_under_db() {
    // One file per table group under db/ owns its queries (the model owns
    // its queries); the rules above it call them.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let querying: Vec<String> = src_files("")
        .into_iter()
        .filter(|(f, _)| !f.starts_with(src.join("db")))
        .filter(|(_, code)| {
            code.contains("db::schema")
                || code.contains("diesel::prelude")
                || code.contains("diesel::insert_into")
                || code.contains("diesel::update(")
                || code.contains("diesel::delete(")
                || code.contains("diesel::sql_query")
        })
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert!(querying.is_empty(), "queries outside src/db/: {querying:?}");
}
