//! Compiles every `YYYYMMDDHHMMSS_<name>.rs` in this folder into the crate.

fn main() {
    knexrs_embed::embed_migrations(env!("CARGO_MANIFEST_DIR")).expect("writing the migration registry into OUT_DIR");
}
