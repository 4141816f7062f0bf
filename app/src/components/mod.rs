#[cfg(feature = "hydrate")]
pub mod browser;
pub mod detail;
pub mod flowchart;
pub mod form_assistant;
pub mod json_form;
pub mod live;
pub mod practice;
