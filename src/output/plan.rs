//! What `lzgen plan` prints: the tree of files that would be written, with
//! their sizes.

use crate::render::RenderedFile;
use std::collections::BTreeMap;

pub fn total_bytes(files: &[RenderedFile]) -> u64 {
    files.iter().map(|f| f.bytes.len() as u64).sum()
}

#[derive(Default)]
struct Node {
    children: BTreeMap<String, Node>,
    bytes: Option<usize>,
}

impl Node {
    fn total(&self) -> usize {
        self.bytes.unwrap_or(0) + self.children.values().map(Node::total).sum::<usize>()
    }
}

/// A tree like `tree(1)` draws, each file with its byte count and each
/// folder with the sum of its files.
pub fn plan_tree(root_name: &str, files: &[RenderedFile]) -> String {
    let mut root = Node::default();
    for file in files {
        let mut node = &mut root;
        for part in file.path.split('/') {
            node = node.children.entry(part.to_string()).or_default();
        }
        node.bytes = Some(file.bytes.len());
    }
    let mut out = format!(
        "{root_name}/ ({} files, {} bytes)\n",
        files.len(),
        root.total()
    );
    draw(&root, "", &mut out);
    out
}

fn draw(node: &Node, prefix: &str, out: &mut String) {
    // Folders first, then files, each alphabetically: the way people scan a tree.
    let mut entries: Vec<(&String, &Node)> = node.children.iter().collect();
    entries.sort_by_key(|(name, child)| (child.bytes.is_some(), name.as_str()));
    let count = entries.len();
    for (i, (name, child)) in entries.into_iter().enumerate() {
        let last = i + 1 == count;
        let branch = if last { "└── " } else { "├── " };
        match child.bytes {
            Some(bytes) => out.push_str(&format!("{prefix}{branch}{name} ({bytes} bytes)\n")),
            None => {
                out.push_str(&format!(
                    "{prefix}{branch}{name}/ ({} bytes)\n",
                    child.total()
                ));
                let deeper = format!("{prefix}{}", if last { "    " } else { "│   " });
                draw(child, &deeper, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_folders_first_with_sizes() {
        let f = |p: &str, n: usize| RenderedFile {
            path: p.into(),
            bytes: vec![b'x'; n],
            executable: false,
        };
        let tree = plan_tree(
            "lz",
            &[f("README.md", 10), f("a/x.yaml", 5), f("a/b/y.json", 7)],
        );
        assert_eq!(
            tree,
            "lz/ (3 files, 22 bytes)\n\
             ├── a/ (12 bytes)\n\
             │   ├── b/ (7 bytes)\n\
             │   │   └── y.json (7 bytes)\n\
             │   └── x.yaml (5 bytes)\n\
             └── README.md (10 bytes)\n"
        );
    }
}
