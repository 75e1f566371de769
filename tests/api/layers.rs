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
    let mut used = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
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
        rest = after;
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
