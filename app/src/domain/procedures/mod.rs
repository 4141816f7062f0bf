//! The four procedures of the manual (section 8), as data, and every
//! approved version of them: a case follows the version it was opened
//! under to its end, whatever is approved later.

mod pr05;
mod pr09;
mod pr6;
mod pr7;
#[cfg(any(test, feature = "trial-edition"))]
pub mod trial;

use std::sync::OnceLock;

use super::procedure::{Manual, Procedure};

pub use pr05::PR05;
pub use pr09::PR09;
pub use pr6::PR6;
pub use pr7::PR7;

/// UGAT/AIT-M06 version 2, the edition in force.
pub static M06_V2: Manual = Manual {
    code: "UGAT/AIT-M06",
    version: 2,
    resolution: "R.A. AGETIC/RA/0153/2023",
    approved_on: "20/11/2023",
};

/// Every approved definition: a new version is added beside the old one,
/// never in its place.
#[derive(Debug)]
pub struct Catalogue {
    definitions: &'static [&'static Procedure],
}

impl Catalogue {
    /// `definitions` in the manual's order, older versions first.
    pub const fn new(definitions: &'static [&'static Procedure]) -> Catalogue {
        Catalogue { definitions }
    }

    /// Every version of every procedure.
    pub fn every_version(&self) -> &'static [&'static Procedure] {
        self.definitions
    }

    /// The newest version of each procedure, in the manual's order: what a
    /// new case follows.
    pub fn current(&self) -> Vec<&'static Procedure> {
        let mut newest: Vec<&'static Procedure> = Vec::new();
        for &definition in self.definitions {
            match newest.iter_mut().find(|p| p.code == definition.code) {
                Some(slot) if slot.version < definition.version => *slot = definition,
                Some(_) => {}
                None => newest.push(definition),
            }
        }
        newest
    }

    /// The newest version of a procedure, by its code, ignoring case ("pr05"
    /// finds PR05).
    pub fn newest(&self, code: &str) -> Option<&'static Procedure> {
        self.definitions
            .iter()
            .copied()
            .filter(|p| p.code.eq_ignore_ascii_case(code))
            .max_by_key(|p| p.version)
    }

    /// One version of a procedure: the one a case was opened under.
    pub fn version(&self, code: &str, version: u16) -> Option<&'static Procedure> {
        self.definitions
            .iter()
            .copied()
            .find(|p| p.code.eq_ignore_ascii_case(code) && p.version == version)
    }
}

/// The approved definitions.
pub static APPROVED: Catalogue = Catalogue::new(&[&PR05, &PR6, &PR7, &PR09]);

static IN_FORCE: OnceLock<&'static Catalogue> = OnceLock::new();

/// Puts a catalogue in force for the whole process, once, before any case
/// is served; without it the approved one is. Returns false if one was
/// already.
pub fn install(catalogue: &'static Catalogue) -> bool {
    IN_FORCE.set(catalogue).is_ok()
}

/// The catalogue in force.
pub fn catalogue() -> &'static Catalogue {
    IN_FORCE.get().copied().unwrap_or(&APPROVED)
}

/// The newest version of each procedure, in the manual's order.
pub fn current() -> Vec<&'static Procedure> {
    catalogue().current()
}

/// Every version of every procedure in force.
pub fn every_version() -> &'static [&'static Procedure] {
    catalogue().every_version()
}

/// The newest version of a procedure by its code, ignoring case.
pub fn find(code: &str) -> Option<&'static Procedure> {
    catalogue().newest(code)
}

/// The version a case was opened under.
pub fn definition(code: &str, version: u16) -> Option<&'static Procedure> {
    catalogue().version(code, version)
}
