pub mod detail;
pub mod flowchart;
pub mod json_form;
pub mod practice;
