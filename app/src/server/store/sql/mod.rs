//! The SQL both backends run, written once with `$1`-style parameters
//! (which SQLite reads too) and compiled once per backend: the including
//! module (`sqlite.rs` or `postgres.rs`) supplies `dialect`, the types and
//! the few statements that differ.

use super::dialect;

/// How the app names a person (`store::person_label`), in SQL over the
/// `users` row aliased `u` (or the alias given).
macro_rules! person_label {
    () => {
        person_label!(u)
    };
    ($alias:ident) => {
        concat!(
            "COALESCE(",
            stringify!($alias),
            ".full_name, ",
            stringify!($alias),
            ".email, 'CI ' || ",
            stringify!($alias),
            ".ci_number)"
        )
    };
}

/// The names of the entities the case aliased `c` concerns, in the order
/// named and joined by `cases::ENTITY_NAME_SEPARATOR`; empty for none.
/// (`string_agg` with `ORDER BY` is SQL both backends read.)
macro_rules! entity_names {
    () => {
        "COALESCE((SELECT string_agg(ne.name, '; ' ORDER BY nce.position)
           FROM case_entities nce JOIN entities ne ON ne.id = nce.entity_id
           WHERE nce.case_id = c.id), '')"
    };
}

pub mod accounts;
pub mod audit;
pub mod case_events;
pub mod case_queries;
pub mod due_times;
pub mod entities;
pub mod figures;
pub mod files;
pub mod forms;
pub mod identities;
pub mod notifications;
