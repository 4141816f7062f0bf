//! The site's files as the release build named them: by their content
//! (`manual.<hash>.js`), from the hash file the build leaves beside the
//! server.

use leptos::prelude::LeptosOptions;

/// Where the browser finds the app's JavaScript, wasm and stylesheet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteFiles {
    pub js: String,
    pub wasm: String,
    pub css: String,
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
/// when the build does not name files by content).
fn named_files(options: &LeptosOptions, hashes: &str) -> SiteFiles {
    let hash_of = |kind: &str| {
        hashes
            .lines()
            .find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| format!(".{}", hash.trim()))
            })
            .unwrap_or_default()
    };
    let name = &options.output_name;
    let pkg = format!("/{}", options.site_pkg_dir);
    SiteFiles {
        js: format!("{pkg}/{name}{}.js", hash_of("js")),
        wasm: format!("{pkg}/{name}{}.wasm", hash_of("wasm")),
        css: format!("{pkg}/{name}{}.css", hash_of("css")),
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
            }
        );
    }

    #[test]
    fn a_build_without_hashes_keeps_the_plain_names() {
        let files = named_files(&options(), "");
        assert_eq!(files.js, "/pkg/manual.js");
        assert_eq!(files.css, "/pkg/manual.css");
    }
}
