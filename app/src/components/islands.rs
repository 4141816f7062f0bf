//! The script that hydrates a page's islands (see `islands.js` for what it
//! does differently from Leptos's own), with the names the release build
//! gave the site's files (`server::assets`).

use leptos::prelude::*;

/// Goes in the document's `<head>`, in place of Leptos's
/// `HydrationScripts`.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        // The same for every page while the server runs: written once.
        static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let script = SCRIPT.get_or_init(|| {
            let files = crate::server::assets::site_files(&options);
            // File and island names: nothing to escape inside a <script>.
            let lighter = serde_json::to_string(&files.lighter).unwrap_or_else(|_| "[]".into());
            format!(
                "({})({:?}, {:?}, {lighter});",
                include_str!("islands.js").trim_end(),
                files.js,
                files.wasm,
            )
        });
        view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script.as_str()}</script> }
    }
    // Only the server draws the document's head.
    #[cfg(not(feature = "ssr"))]
    let _ = options;
}
