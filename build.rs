//! Two jobs at build time.
//!
//! - include_dir! embeds `blueprints/`, but on stable Rust cargo does not
//!   know that the macro read those files: tell it, so an edited blueprint
//!   rebuilds the binary.
//! - Compile every embedded blueprint once, here, with the same handlebars
//!   lzgen renders with, and embed the compiled templates as data
//!   (`src/render/frozen.rs` says why and how), so a run does not compile
//!   them again.

use std::fmt::Write as _;
use std::path::Path;

#[path = "src/render/frozen.rs"]
#[allow(dead_code)]
mod frozen;
#[path = "src/render/pieces.rs"]
#[allow(dead_code)]
mod pieces;

fn main() {
    println!("cargo:rerun-if-changed=blueprints");
    println!("cargo:rerun-if-changed=src/render/frozen.rs");
    println!("cargo:rerun-if-changed=src/render/pieces.rs");
    let root = Path::new("blueprints");
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    // (key, length, template as JSON), one per distinct text.
    let mut frozen: Vec<(u64, usize, String)> = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let Some(name) = relative.strip_suffix(".hbs") else {
            continue;
        };
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        // A partial is compiled whole; any other blueprint in the pieces the
        // renderer cuts it into.
        let texts: Vec<&str> = if name.starts_with("partials/") {
            vec![text.as_str()]
        } else {
            pieces::pieces(&text, pieces::PIECE_BYTES)
        };
        for piece in texts {
            // A blueprint that does not compile is left to the renderer,
            // which reports it with its name and line.
            let Ok(mut template) = handlebars::Template::compile(piece) else {
                continue;
            };
            template.name = None;
            let data = frozen::freeze(&template)
                .unwrap_or_else(|e| panic!("freezing blueprints/{relative}: {e}"));
            let json = serde_json::to_string(&data).expect("a frozen template serializes");
            frozen.push((frozen::key(piece), piece.len(), json));
        }
    }
    frozen.sort();
    frozen.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut out = String::from(
        "/// Compiled blueprints, by the key and length of their text (sorted).\n\
         pub(super) static FROZEN: &[(u64, usize, &str)] = &[\n",
    );
    for (key, len, json) in &frozen {
        let _ = writeln!(out, "    ({key:#x}, {len}, {json:?}),");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("frozen.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
}

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}
