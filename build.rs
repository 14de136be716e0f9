// include_dir! embeds `blueprints/` at compile time, but on stable Rust cargo does
// not know that the macro read those files. Tell it, so an edited blueprint
// rebuilds the binary.
fn main() {
    println!("cargo:rerun-if-changed=blueprints");
}
