pub mod admin;
pub mod case;
pub mod cases;
pub mod catalogue;
pub mod inbox;
pub mod not_found;
pub mod procedure;
pub mod session;
