//! Test databases from async tests (`#[tokio::test]`, feature `async`): the
//! blocking setup runs on tokio's blocking threads, and the database is
//! handed over with async connections.

use crate::{TestDatabase, TestError};
use knexrs_migrate::Migrator;
use knexrs_query::{AsyncConn, AsyncDb};

impl TestDatabase {
    /// [`migrated`](Self::migrated) for async tests: a fresh database with
    /// every migration applied, set up without blocking the test's runtime.
    ///
    /// ```
    /// use knexrs_migrate::{Migration, Migrator};
    /// use knexrs_testing::TestDatabase;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let migrator = Migrator::new(vec![Migration::new(
    ///     "20250101000000_create_notes",
    ///     |s| { s.create_table("notes", |t| { t.increments("id"); t.text("body"); }); },
    ///     |s| { s.drop_table("notes"); },
    /// )])?;
    /// let db = TestDatabase::migrated_async(&migrator).await?;
    /// let pool = db.pool_async().await?;
    /// pool.execute(&knexrs_query::raw("insert into notes (body) values ('hi')")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn migrated_async(migrator: &Migrator) -> Result<Self, TestError> {
        let migrator = migrator.clone();
        blocking(move || TestDatabase::migrated(&migrator)).await
    }

    /// [`empty`](Self::empty) for async tests.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = knexrs_testing::TestDatabase::empty_async().await?;
    /// let conn = db.connect_async().await?;
    /// conn.execute(&knexrs_query::raw("create table notes (body text)")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn empty_async() -> Result<Self, TestError> {
        blocking(TestDatabase::empty).await
    }

    /// An async connection to it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = knexrs_testing::TestDatabase::empty_async().await?;
    /// let conn = db.connect_async().await?;
    /// let (one,): (i32,) = conn.fetch_one(&knexrs_query::raw("select 1")).await?;
    /// assert_eq!(one, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_async(&self) -> Result<AsyncConn, TestError> {
        Ok(AsyncConn::connect(self.config()).await?)
    }

    /// An async connection pool on it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = knexrs_testing::TestDatabase::empty_async().await?;
    /// let pool = db.pool_async().await?;
    /// pool.execute(&knexrs_query::raw("create table notes (body text)")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn pool_async(&self) -> Result<AsyncDb, TestError> {
        Ok(AsyncDb::connect(self.config()).await?)
    }
}

/// Runs blocking setup on tokio's blocking threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, TestError> + Send + 'static,
) -> Result<T, TestError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| TestError::Setup(format!("the setup thread failed: {e}")))?
}
