//! The server side of the app (built with the `ssr` feature only), in
//! layers that import only downward: errors and the live stream of changes;
//! the store; the services that decide (sessions, cases, forms,
//! administration, the dashboard's figures); and the request plumbing of
//! the server functions.

pub mod access;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod case_lookup;
pub mod cases;
pub mod ciudadania;
pub mod demo;
pub mod derivation;
pub mod dossier;
pub mod dossier_pdf;
pub mod edge;
pub mod error;
pub mod files;
pub mod forms;
pub mod live;
pub mod mail;
pub mod notices;
pub mod plain_forms;
pub mod request;
pub mod settings;
pub mod stats;
pub mod store;
