//! The site's files as the release build named them: by their content
//! (`manual.<hash>.js`), from the hash file the build leaves beside the
//! server, with the lighter browser builds that `scripts/wasm-builds.mjs`
//! adds to it.

use leptos::prelude::LeptosOptions;

/// Where the browser finds the app's JavaScript, wasm and stylesheet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteFiles {
    /// The build with every island.
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// Builds with the islands of some pages only, lightest first.
    pub lighter: Vec<IslandBuild>,
}

/// A browser build that hydrates some islands only.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct IslandBuild {
    pub js: String,
    pub wasm: String,
    /// As the page names them (`data-component`).
    pub islands: Vec<String>,
}

/// Read once: the files do not change while the server runs.
pub fn site_files(options: &LeptosOptions) -> SiteFiles {
    static FILES: std::sync::OnceLock<SiteFiles> = std::sync::OnceLock::new();
    FILES
        .get_or_init(|| {
            let hashes = options
                .hash_files
                .then(|| {
                    let beside_server = std::env::current_exe().ok()?.parent()?.to_path_buf();
                    std::fs::read_to_string(beside_server.join(options.hash_file.as_ref())).ok()
                })
                .flatten()
                .unwrap_or_default();
            named_files(options, &hashes)
        })
        .clone()
}

/// The files' names from the build's hash file (`js: <hash>` lines; empty
/// when the build does not name files by content), and its lighter builds
/// (`islands-build: <js> <wasm> <island>,…` lines, file names in the pkg
/// folder).
fn named_files(options: &LeptosOptions, hashes: &str) -> SiteFiles {
    // Every line is `kind: value`.
    let entries = || {
        hashes
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(kind, value)| (kind.trim(), value.trim()))
    };
    let hash_of = |kind: &str| {
        entries()
            .find(|(file, _)| *file == kind)
            .map(|(_, hash)| format!(".{hash}"))
            .unwrap_or_default()
    };
    let name = &options.output_name;
    let pkg = format!("/{}", options.site_pkg_dir);
    let lighter = entries()
        .filter(|(kind, _)| *kind == "islands-build")
        .filter_map(|(_, build)| {
            let mut parts = build.split_whitespace();
            let (js, wasm, islands) = (parts.next()?, parts.next()?, parts.next()?);
            Some(IslandBuild {
                js: format!("{pkg}/{js}"),
                wasm: format!("{pkg}/{wasm}"),
                islands: islands.split(',').map(str::to_owned).collect(),
            })
        })
        .collect();
    SiteFiles {
        js: format!("{pkg}/{name}{}.js", hash_of("js")),
        wasm: format!("{pkg}/{name}{}.wasm", hash_of("wasm")),
        css: format!("{pkg}/{name}{}.css", hash_of("css")),
        lighter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> LeptosOptions {
        LeptosOptions::builder().output_name("manual").build()
    }

    #[test]
    fn files_are_named_by_the_build_hashes() {
        let files = named_files(&options(), "js: abc\nwasm: def\ncss: ghi\n");
        assert_eq!(
            files,
            SiteFiles {
                js: "/pkg/manual.abc.js".into(),
                wasm: "/pkg/manual.def.wasm".into(),
                css: "/pkg/manual.ghi.css".into(),
                lighter: Vec::new(),
            }
        );
    }

    #[test]
    fn the_lighter_builds_keep_their_islands_and_order() {
        let hashes = "js: abc\nwasm: def\ncss: ghi\n\
            islands-build: manual-procedure-page.h1.js manual-procedure-page.h2.wasm Workspace_1,Bell_2\n\
            islands-build: manual-other-pages.h3.js manual-other-pages.h4.wasm Bell_2\n\
            islands-build: incomplete.js\n";
        let files = named_files(&options(), hashes);
        assert_eq!(files.wasm, "/pkg/manual.def.wasm");
        assert_eq!(
            files.lighter,
            vec![
                IslandBuild {
                    js: "/pkg/manual-procedure-page.h1.js".into(),
                    wasm: "/pkg/manual-procedure-page.h2.wasm".into(),
                    islands: vec!["Workspace_1".into(), "Bell_2".into()],
                },
                IslandBuild {
                    js: "/pkg/manual-other-pages.h3.js".into(),
                    wasm: "/pkg/manual-other-pages.h4.wasm".into(),
                    islands: vec!["Bell_2".into()],
                },
            ]
        );
    }

    #[test]
    fn a_build_without_hashes_keeps_the_plain_names() {
        let files = named_files(&options(), "");
        assert_eq!(files.js, "/pkg/manual.js");
        assert_eq!(files.css, "/pkg/manual.css");
    }
}
