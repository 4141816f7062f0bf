//! The four procedures of the manual (section 8), as data.

mod pr05;
mod pr09;
mod pr6;
mod pr7;

use super::procedure::Procedure;

pub use pr05::PR05;
pub use pr09::PR09;
pub use pr6::PR6;
pub use pr7::PR7;

/// In the manual's order.
pub static ALL: [&Procedure; 4] = [&PR05, &PR6, &PR7, &PR09];

/// Finds a procedure by its code, ignoring case ("pr05" finds PR05).
pub fn find(code: &str) -> Option<&'static Procedure> {
    ALL.iter()
        .copied()
        .find(|procedure| procedure.code.eq_ignore_ascii_case(code))
}
