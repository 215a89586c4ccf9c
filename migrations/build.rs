//! Compiles every `YYYYMMDDHHMMSS_<name>.rs` in this folder into the crate,
//! and the workspace's `seeds/` folder.

// The folders are named relative to this crate's folder, where cargo runs
// the build script, not by `env!("CARGO_MANIFEST_DIR")`: cargo does not
// rebuild a build script when the workspace moves with its target folder (a
// `cp -a` copy), and a path compiled in would go on naming the old folder.
fn main() {
    knexrs_embed::embed_migrations(".").expect("writing the migration registry into OUT_DIR");
    knexrs_embed::embed_seeds("../seeds").expect("writing the seed registry into OUT_DIR");
}
