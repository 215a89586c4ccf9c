//! `knexrs-example-sessions`: serves the sessions API on `LISTEN` (default
//! 127.0.0.1:8080) over `DATABASE_URL` (or `DB_*`), migrating at start-up.

use knexrs_connect::{ConnectConfig, Environment};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = ConnectConfig::from_env(Environment::from_env()?)?
        .ok_or_else(|| anyhow::anyhow!("set DATABASE_URL (or DB_HOST, DB_NAME, …)"))?;
    let db = knexrs_example_sessions::open(&config).await?;
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    eprintln!("serving on http://{listen}");
    axum::serve(listener, knexrs_example_sessions::routes(db.clone()))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    // knex's `db.destroy()`: the requests are done, the connections close.
    db.close();
    Ok(())
}
