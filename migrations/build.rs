//! Compiles every `YYYYMMDDHHMMSS_<name>.rs` in this folder into the crate,
//! and the workspace's `seeds/` folder.

fn main() {
    knexrs_embed::embed_migrations(env!("CARGO_MANIFEST_DIR")).expect("writing the migration registry into OUT_DIR");
    knexrs_embed::embed_seeds(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds"))
        .expect("writing the seed registry into OUT_DIR");
}
