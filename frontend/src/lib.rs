#![recursion_limit = "256"]
//! The browser entry: hydrates the interactive islands of the
//! server-rendered pages; the rest of each page is plain HTML.

// Links the app crate, whose `#[island]` components export the functions
// that the island script calls.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The islands hydrate right after this returns; a task queued now runs
    // once they have. It marks the page interactive for tests and scripts.
    leptos::prelude::set_timeout(
        || {
            if let Some(root) = leptos::prelude::document().document_element() {
                let _ = root.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
