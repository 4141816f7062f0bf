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

#[cfg(test)]
mod tests {
    use super::trial::{PR09_V2, WITH_TRIAL};
    use super::*;

    #[test]
    fn each_procedure_carries_its_code_and_version_as_printed() {
        let printed: Vec<_> = APPROVED
            .every_version()
            .iter()
            .map(|p| (p.printed_code, p.version, p.manual.code, p.manual.version))
            .collect();
        assert_eq!(
            printed,
            [
                ("UGAT/AIT-PR05", 2, "UGAT/AIT-M06", 2),
                ("UGAT/AIT-PR6", 1, "UGAT/AIT-M06", 2),
                ("UGAT/AIT-PR7", 2, "UGAT/AIT-M06", 2),
                ("UGAT/AIT-PR09", 1, "UGAT/AIT-M06", 2),
            ]
        );
        assert_eq!(M06_V2.resolution, "R.A. AGETIC/RA/0153/2023");
    }

    #[test]
    fn new_cases_take_the_newest_version_and_old_ones_find_theirs() {
        let current = WITH_TRIAL.current();
        let codes: Vec<_> = current.iter().map(|p| (p.code, p.version)).collect();
        assert_eq!(codes, [("PR05", 2), ("PR6", 1), ("PR7", 2), ("PR09", 2)]);
        assert!(std::ptr::eq(WITH_TRIAL.newest("pr09").unwrap(), &PR09_V2));
        assert!(std::ptr::eq(WITH_TRIAL.version("PR09", 1).unwrap(), &PR09));
        assert!(WITH_TRIAL.version("PR09", 3).is_none());
        // Without the trial, version 2 of PR09 does not exist.
        assert!(APPROVED.version("PR09", 2).is_none());
        assert!(std::ptr::eq(APPROVED.newest("PR09").unwrap(), &PR09));
    }

    #[test]
    fn an_activity_cites_its_sheet_of_the_manual() {
        assert_eq!(
            PR05.source(12).cite(),
            "UGAT/AIT-PR05 versión 2, actividad 12 (hoja 1 de 2; sección 8.1 del manual)"
        );
        assert_eq!(
            PR05.source(13).cite(),
            "UGAT/AIT-PR05 versión 2, actividad 13 (hoja 2 de 2; sección 8.1 del manual)"
        );
        assert_eq!(PR09.source(14).sheet, 1);
        assert_eq!(PR6.source(14).sheet, 2);
        assert_eq!(PR7.source(11).sheet, 1);
    }
}
