#![recursion_limit = "256"]
//! The browser entry: the interactive islands of the server-rendered
//! pages; the rest of each page is plain HTML. The page's script
//! (`app/src/components/islands.js`) calls `hydrate`, then each island's
//! own function, and marks the page hydrated.

// Links the app crate, whose `#[island]` components export the functions
// that the island script calls.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
