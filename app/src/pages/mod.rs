pub mod catalogue;
pub mod not_found;
pub mod procedure;
