pub mod detail;
pub mod flowchart;
pub mod practice;
