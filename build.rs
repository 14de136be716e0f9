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
#[path = "src/render/scan.rs"]
#[allow(dead_code)]
mod scan;

fn main() {
    println!("cargo:rerun-if-changed=blueprints");
    println!("cargo:rerun-if-changed=src/render/frozen.rs");
    println!("cargo:rerun-if-changed=src/render/pieces.rs");
    println!("cargo:rerun-if-changed=src/render/scan.rs");
    let root = Path::new("blueprints");
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    // (key, length, template as bytes), one per distinct text.
    let mut frozen: Vec<(u64, usize, Vec<u8>)> = Vec::new();
    // Each blueprint read (`scan`), as a line of the table, by its name.
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut scanned = String::from(
        "/// A blueprint's name, length, cuts, words and partials.\n\
         pub(super) type ScannedRow = (&'static str, usize, &'static [usize], &'static [&'static str], &'static [&'static str]);\n\n\
         /// Every embedded blueprint read (`scan::scan`), sorted by name.\n\
         pub(super) static SCANNED: &[ScannedRow] = &[\n",
    );
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
        let read = scan::scan(&text);
        rows.push((
            relative.clone(),
            format!(
                "    ({relative:?}, {}, &{:?}, &{:?}, &{:?}),\n",
                text.len(),
                read.cuts,
                read.words,
                read.partials
            ),
        ));
        // A partial is compiled whole; any other blueprint in the pieces the
        // renderer cuts it into.
        let texts: Vec<&str> = if name.starts_with("partials/") {
            vec![text.as_str()]
        } else {
            pieces::at(&text, &read.cuts)
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
            let bytes = frozen::encode(&data)
                .unwrap_or_else(|e| panic!("encoding blueprints/{relative}: {e}"));
            frozen.push((frozen::key(piece), piece.len(), bytes));
        }
    }
    frozen.sort();
    frozen.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    // The templates' bytes one after another in `frozen.bin`, and a table
    // of where each starts and ends.
    let mut data = Vec::new();
    let mut out = String::from(
        "/// Compiled blueprints, by the key and length of their text (sorted),\n\
         /// with where each one's bytes are in `DATA`.\n\
         pub(super) static FROZEN: &[(u64, usize, usize, usize)] = &[\n",
    );
    for (key, len, bytes) in &frozen {
        let start = data.len();
        data.extend_from_slice(bytes);
        let _ = writeln!(out, "    ({key:#x}, {len}, {start}, {}),", data.len());
    }
    rows.sort();
    for (_, row) in rows {
        scanned.push_str(&row);
    }
    scanned.push_str("];\n\n");
    out.insert_str(0, &scanned);
    out.push_str(
        "];\n\n/// The frozen templates' bytes.\n\
         pub(super) static DATA: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/frozen.bin\"));\n",
    );
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (name, bytes) in [("frozen.bin", data), ("frozen.rs", out.into_bytes())] {
        let dest = Path::new(&out_dir).join(name);
        std::fs::write(&dest, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
    }
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
