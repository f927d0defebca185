//! The catalogue is whole: every language has every message with the same
//! arguments, and every message the code names exists with the arguments
//! the code passes.
//!
//! A message's arguments are the variables its translations use, all
//! languages together. A translation may leave one out only by saying so
//! in the message's comment (`# unused: $month_name`): English writes
//! "Wednesday 25 November" where French writes "Mercredi 25/11", from the
//! same arguments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

/// A message (or `message.attribute`): the variables it uses, and those its
/// comment says it leaves out on purpose.
type Messages = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn declared_unused(comment: Option<&fluent_syntax::ast::Comment<&str>>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in comment.map(|c| c.content.clone()).unwrap_or_default() {
        if let Some((_, names)) = line.split_once("unused:") {
            for n in names.split([',', ' ']) {
                if let Some(v) = n.trim().strip_prefix('$') {
                    out.insert(v.to_string());
                }
            }
        }
    }
    out
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn workspace() -> PathBuf {
    root().join("../..")
}

fn variables_of_inline(e: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                variables_of_inline(a, out);
            }
            for a in &arguments.named {
                variables_of_inline(&a.value, out);
            }
        }
        InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for a in &arguments.positional {
                variables_of_inline(a, out);
            }
            for a in &arguments.named {
                variables_of_inline(&a.value, out);
            }
        }
        InlineExpression::Placeable { expression } => variables_of_expression(expression, out),
        _ => {}
    }
}

fn variables_of_expression(e: &Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        Expression::Select { selector, variants } => {
            variables_of_inline(selector, out);
            for v in variants {
                variables_of_pattern(&v.value, out);
            }
        }
        Expression::Inline(i) => variables_of_inline(i, out),
    }
}

fn variables_of_pattern(p: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let PatternElement::Placeable { expression } = el {
            variables_of_expression(expression, out);
        }
    }
}

/// Every language's messages, read from `locales/`.
fn catalogue() -> BTreeMap<String, (Messages, Vec<String>)> {
    let mut out = BTreeMap::new();
    for dir in std::fs::read_dir(root().join("locales")).unwrap() {
        let dir = dir.unwrap().path();
        let lang = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut messages = Messages::new();
        let mut files = Vec::new();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_none_or(|x| x != "ftl") {
                continue;
            }
            files.push(f.file_name().unwrap().to_string_lossy().to_string());
            let text = std::fs::read_to_string(&f).unwrap();
            let res =
                fluent_syntax::parser::parse(text.as_str()).unwrap_or_else(|(_, e)| panic!("{}: {e:?}", f.display()));
            for entry in res.body {
                if let Entry::Message(m) = entry {
                    let mut vars = BTreeSet::new();
                    if let Some(v) = &m.value {
                        variables_of_pattern(v, &mut vars);
                    }
                    let id = m.id.name.to_string();
                    let unused = declared_unused(m.comment.as_ref());
                    assert!(
                        messages.insert(id.clone(), (vars, unused.clone())).is_none(),
                        "{lang}: message {id} is defined twice"
                    );
                    for a in &m.attributes {
                        let mut vars = BTreeSet::new();
                        variables_of_pattern(&a.value, &mut vars);
                        messages.insert(format!("{id}.{}", a.id.name), (vars, unused.clone()));
                    }
                }
            }
        }
        files.sort();
        out.insert(lang, (messages, files));
    }
    out
}

/// Each message's arguments: the variables its translations use.
fn interfaces(cat: &BTreeMap<String, (Messages, Vec<String>)>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (messages, _) in cat.values() {
        for (id, (vars, _)) in messages {
            out.entry(id.clone()).or_default().extend(vars.iter().cloned());
        }
    }
    out
}

#[test]
fn every_language_has_every_message_with_the_same_arguments() {
    let cat = catalogue();
    assert!(cat.len() >= 3, "fr, en and de at least: {:?}", cat.keys());
    let all = interfaces(&cat);
    let (_, (_, reference_files)) = cat.iter().find(|(l, _)| *l == "en").unwrap();
    let mut problems = Vec::new();
    for (lang, (messages, files)) in &cat {
        if files != reference_files {
            problems.push(format!("{lang} has the files {files:?}, en has {reference_files:?}"));
        }
        for (id, args) in &all {
            match messages.get(id) {
                None => problems.push(format!("{lang} lacks {id}")),
                Some((used, unused)) => {
                    let missing: Vec<_> = args.difference(used).filter(|v| !unused.contains(*v)).collect();
                    if !missing.is_empty() {
                        problems.push(format!(
                            "{lang}: {id} does not use {missing:?} (other languages do; say `# unused: $x` in its comment if that is meant)"
                        ));
                    }
                    let stale: Vec<_> = unused.intersection(used).collect();
                    if !stale.is_empty() {
                        problems.push(format!("{lang}: {id} says {stale:?} is unused but uses it"));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the catalogue is not whole:\n{}",
        problems.join("\n")
    );
}

/// The Rust sources of the workspace (not tests: they may name messages
/// that are not there on purpose).
fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                if name != "target" && name != "tests" && !name.starts_with('.') {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let ws = workspace();
    let mut out = Vec::new();
    walk(&ws.join("src"), &mut out);
    walk(&ws.join("crates"), &mut out);
    out
}

/// Splits a macro's arguments at the top-level commas.
fn split_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                cur.push(c);
                while let Some(d) = chars.next() {
                    cur.push(d);
                    if d == '\\' {
                        if let Some(e) = chars.next() {
                            cur.push(e);
                        }
                    } else if d == '"' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                cur.push(c);
            }
            ')' | ']' | '}' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out.into_iter().map(|a| a.trim().to_string()).collect()
}

/// The text between `open` (just after a macro's `(`) and its matching `)`.
fn macro_body(s: &str) -> Option<&str> {
    let mut depth = 1i32;
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&s[..i]);
                }
            }
            _ => {}
        }
    }
    None
}

#[test]
fn every_message_the_code_names_exists_with_the_arguments_it_is_given() {
    let cat = catalogue();
    let all = interfaces(&cat);
    let mut problems = Vec::new();
    let mut uses = 0;
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (mac, skip) in [("text!(", 0usize), ("tr!(", 1usize)] {
            for (at, _) in text.match_indices(mac) {
                // `macro_rules! text {` and doc examples are not uses.
                let before = &text[..at];
                if before.ends_with("macro_rules! ") || before.trim_end().ends_with("//!") {
                    continue;
                }
                let line = before.lines().last().unwrap_or_default();
                if line.trim_start().starts_with("//") {
                    continue;
                }
                let Some(body) = macro_body(&text[at + mac.len()..]) else {
                    continue;
                };
                let args = split_args(body);
                let Some(id) = args
                    .get(skip)
                    .and_then(|a| a.strip_prefix('"'))
                    .and_then(|a| a.strip_suffix('"'))
                else {
                    continue;
                };
                uses += 1;
                let given: BTreeSet<String> = args[skip + 1..]
                    .iter()
                    .filter_map(|a| a.split_once('=').map(|(n, _)| n.trim().to_string()))
                    .collect();
                let where_ = format!(
                    "{}:{}",
                    file.strip_prefix(workspace()).unwrap_or(&file).display(),
                    before.lines().count()
                );
                match all.get(id) {
                    None => problems.push(format!("{where_}: no message {id}")),
                    Some(vars) if *vars != given => {
                        problems.push(format!("{where_}: {id} takes {vars:?}, the code gives {given:?}"))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    assert!(
        uses > 10,
        "the scan found only {uses} uses: is it still reading the sources?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Words come from the catalogue only: no code outside it picks a sentence
/// by language (`match lang`, `Lang::FR =>`, `lang == Lang::DE`), so that a
/// fourth language is new catalogue files and nothing else.
#[test]
fn no_code_chooses_words_by_language() {
    let patterns = [
        "match lang",
        "Lang::FR =>",
        "Lang::EN =>",
        "Lang::DE =>",
        "== Lang::",
        "!= Lang::",
        ".pick(",
    ];
    let mut problems = Vec::new();
    for file in sources() {
        if file.starts_with(root()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests below `#[cfg(test)]` may compare languages.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for p in patterns {
                if line.contains(p) {
                    problems.push(format!(
                        "{}:{}: {}",
                        file.strip_prefix(workspace()).unwrap_or(&file).display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "per-language code outside the catalogue:\n{}",
        problems.join("\n")
    );
}
