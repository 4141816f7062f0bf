//! The activities' salidas as files: what a stored file is to its readers,
//! which kinds are accepted, and how an uploaded name is made safe; shared
//! by the pages, the server functions and the API.

use serde::{Deserialize, Serialize};

/// A file as stored: immutable once attached to a case's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileInfo {
    pub id: String,
    /// The name it was uploaded with, made safe.
    pub name: String,
    pub size: i64,
    /// Decided from the content at upload.
    pub media_type: String,
    /// Hex SHA-256 of the content: what proves which file was handed over.
    pub sha256: String,
    /// The e-mail of who uploaded it.
    pub uploaded_by: String,
    pub uploaded_at: i64,
    /// The history entry that attached it; `None` while pending.
    pub version: Option<i64>,
}

impl FileInfo {
    /// Where it is downloaded.
    pub fn href(&self) -> String {
        format!("/api/v1/files/{}", self.id)
    }

    /// Where a browser may show it (PDFs and images), in a sandbox.
    pub fn view_href(&self) -> Option<String> {
        FileKind::from_media_type(&self.media_type)
            .filter(|kind| kind.viewable())
            .map(|_| format!("/api/v1/files/{}?ver=1", self.id))
    }

    /// The first characters of the SHA-256, enough to tell files apart.
    pub fn short_sha256(&self) -> &str {
        self.sha256.get(..12).unwrap_or(&self.sha256)
    }
}

/// The kinds of file people hand over at an activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Odt,
    Ods,
    Docx,
    Xlsx,
    Png,
    Jpeg,
    Text,
    Zip,
}

impl FileKind {
    pub const ALL: [FileKind; 9] = [
        FileKind::Pdf,
        FileKind::Odt,
        FileKind::Ods,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Text,
        FileKind::Zip,
    ];

    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
            FileKind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Text => "text/plain; charset=utf-8",
            FileKind::Zip => "application/zip",
        }
    }

    pub fn from_media_type(media_type: &str) -> Option<FileKind> {
        FileKind::ALL
            .into_iter()
            .find(|kind| kind.media_type() == media_type)
    }

    /// The extension it is known by, for the file picker and the names.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Odt => "odt",
            FileKind::Ods => "ods",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Text => "txt",
            FileKind::Zip => "zip",
        }
    }

    /// Browsers show these themselves; the rest are downloaded.
    pub fn viewable(self) -> bool {
        matches!(self, FileKind::Pdf | FileKind::Png | FileKind::Jpeg)
    }
}

/// What the file picker offers (`accept`): the same kinds, by extension.
pub fn accept_attribute() -> String {
    FileKind::ALL
        .iter()
        .map(|kind| format!(".{}", kind.extension()))
        .chain([".jpeg".to_owned()])
        .collect::<Vec<_>>()
        .join(",")
}

/// The accepted kinds, as people know them.
pub const ACCEPTED_KINDS: &str = "PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG, texto o ZIP";

/// What a person is told who attaches no file.
pub const NOTHING_TO_ATTACH: &str = "Elija al menos un archivo para adjuntar.";

/// Most files attached in one history entry.
pub const MAX_FILES_PER_ENTRY: usize = 20;

/// Longest stored name, in characters.
pub const MAX_NAME: usize = 150;

/// An uploaded name as it is kept and served: its last path segment only,
/// without quotes, control characters or characters that some system
/// refuses in a name (those become spaces), trimmed of dots and spaces, at most [`MAX_NAME`]
/// characters (the extension kept); `archivo` when nothing is left.
pub fn safe_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !matches!(c, '"' | '\'' | '`'))
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '|' | '?' | '*') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = collapsed.trim_matches(|c: char| c == '.' || c == ' ');
    let name = if trimmed.chars().count() <= MAX_NAME {
        trimmed.to_owned()
    } else {
        let extension = trimmed
            .rsplit_once('.')
            .map(|(_, ext)| ext)
            .filter(|ext| ext.chars().count() <= 8)
            .map(|ext| format!(".{ext}"))
            .unwrap_or_default();
        let keep = MAX_NAME - extension.chars().count();
        let stem: String = trimmed.chars().take(keep).collect();
        format!("{}{extension}", stem.trim_end())
    };
    if name.is_empty() {
        "archivo".to_owned()
    } else {
        name
    }
}

/// A size as people read it: `850 B`, `12,4 KB`, `3,1 MB`.
pub fn size_label(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes.max(0) as f64;
    let text = if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    };
    text.replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_their_last_segment_without_dangerous_characters() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\ana\\informe.pdf"), "informe.pdf");
        assert_eq!(
            safe_name("acta \"final\"\r\nSet-Cookie: x.pdf"),
            "acta final Set-Cookie x.pdf"
        );
        assert_eq!(
            safe_name("Informe técnico Nº 5 — año.odt"),
            "Informe técnico Nº 5 — año.odt"
        );
        assert_eq!(safe_name(".."), "archivo");
        assert_eq!(safe_name("   "), "archivo");
        assert_eq!(safe_name(".bashrc"), "bashrc");
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let long = format!("{}.pdf", "ñ".repeat(400));
        let safe = safe_name(&long);
        assert_eq!(safe.chars().count(), MAX_NAME);
        assert!(safe.ends_with(".pdf"));
    }

    #[test]
    fn sizes_read_in_spanish() {
        assert_eq!(size_label(850), "850 B");
        assert_eq!(size_label(12_700), "12,4 KB");
        assert_eq!(size_label(3_250_000), "3,1 MB");
    }

    #[test]
    fn every_kind_is_found_again_by_its_media_type() {
        for kind in FileKind::ALL {
            assert_eq!(FileKind::from_media_type(kind.media_type()), Some(kind));
        }
        assert!(accept_attribute().contains(".pdf"));
    }
}
