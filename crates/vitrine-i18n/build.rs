//! Embeds the message catalogue (`locales/<lang>/*.ftl`) into the crate.
//!
//! Every folder of `locales/` named by a two-letter language code is a
//! language: adding one is adding a folder of `.ftl` files, nothing else.
//! Each file is parsed here, so a syntax error stops the build with the
//! file and line instead of leaving a hole at run time.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut langs: Vec<_> = match std::fs::read_dir(&root) {
        Ok(dir) => dir
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect(),
        Err(e) => fail(&format!("cannot read {}: {e}", root.display())),
    };
    langs.sort();
    let mut out = String::from("/// The embedded catalogue: each language with its files.\n");
    out.push_str("pub(crate) static FILES: &[(&str, &[(&str, &str)])] = &[\n");
    for lang in &langs {
        if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
            fail(&format!(
                "locales/{lang}: a language folder is named by its two-letter ISO 639-1 code in lower case"
            ));
        }
        let dir = root.join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(d) => d
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
                .collect(),
            Err(e) => fail(&format!("cannot read {}: {e}", dir.display())),
        };
        files.sort();
        let _ = writeln!(out, "    ({lang:?}, &[");
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            let text = std::fs::read_to_string(&f).unwrap_or_else(|e| fail(&format!("{}: {e}", f.display())));
            if let Err((_, errors)) = fluent_syntax::parser::parse(text.as_str()) {
                let first = &errors[0];
                let line = text[..first.pos.start.min(text.len())].lines().count().max(1);
                fail(&format!("{}:{line}: {:?}", f.display(), first.kind));
            }
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            let _ = writeln!(out, "        ({name:?}, include_str!({:?})),", f.display().to_string());
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR is not set"))).join("files.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        fail(&format!("cannot write {}: {e}", dest.display()));
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("vitrine-i18n: {msg}");
    std::process::exit(1);
}
