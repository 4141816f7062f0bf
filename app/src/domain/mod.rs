//! The pure domain: the manual's procedures as data, the rule that moves a
//! case through them, and the checker that holds the data to sound flows.

pub mod access;
pub mod accounts;
pub mod calendar;
pub mod case_input;
pub mod checker;
pub mod derivation;
pub mod engine;
pub mod integrations;
pub mod procedure;
pub mod procedures;
pub mod role;
pub mod stats;
pub mod throttle;
pub mod validation;
