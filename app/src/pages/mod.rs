pub mod case;
pub mod cases;
pub mod catalogue;
pub mod not_found;
pub mod procedure;
pub mod session;
