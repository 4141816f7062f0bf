//! The server side of the app (built with the `ssr` feature only): errors,
//! accounts and sessions, and the store behind the JSON API and the server
//! functions.

pub mod admin;
pub mod auth;
pub mod demo;
pub mod error;
pub mod forms;
pub mod stats;
pub mod store;
