//! The app over real HTTP, each test on a fresh database: SQLite by
//! default, PostgreSQL when `TEST_DATABASE=postgres` (see `common`). One
//! binary for every test, so the app is linked once.

mod accounts;
mod cases;
mod ciudadania;
mod common;
mod edge;
mod files;
mod forms;
mod input;
mod live;
mod notices;
mod paging;
mod plain_forms;
mod procedures;
#[path = "../support/oidc_provider.rs"]
mod provider;
mod records;
mod servers;
mod sign_in;
#[path = "../support/smtp_sink.rs"]
mod smtp;
#[cfg(feature = "trial-edition")]
mod versions;
