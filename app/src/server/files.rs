//! The activities' salidas as files: where their contents are stored (a
//! local folder, or an S3-compatible object store shared by several
//! servers), how an upload is received (streamed to a spool file, hashed
//! and its kind decided from its first bytes, within the limits), and the
//! sweep that removes what a failed upload left behind.
//!
//! A content is stored under its SHA-256, written and synced before the
//! row that names it commits; the rows are the store's `files` and `blobs`.

use std::collections::HashSet;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use axum::extract::Multipart;

use super::case_lookup::visible_case;
use super::error::ApiError;
use super::store::{new_id, Db, FileRecord, NewFile, User};
use crate::documents::{
    safe_name, size_label, FileInfo, FileKind, ACCEPTED_KINDS, MAX_FILES_PER_ENTRY,
};

/// A content is removed only when unreferenced for this long: an upload
/// that is storing the same content meanwhile renews it first.
pub const GRACE_MS: i64 = 60 * 60 * 1000;
/// Uploads never attached to a history entry are forgotten after this.
pub const PENDING_KEPT_MS: i64 = 24 * 60 * 60 * 1000;
/// How many bytes decide a file's kind (office formats name their parts
/// within the first few kilobytes).
const SNIFF_BYTES: usize = 64 * 1024;
/// Parts of an upload to the object store.
const PART_BYTES: usize = 8 * 1024 * 1024;

/// How large files and uploads may be (`APP_FILE_MAX_MB`, `APP_UPLOAD_MAX_MB`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileLimits {
    pub per_file: u64,
    pub per_request: u64,
}

impl Default for FileLimits {
    fn default() -> FileLimits {
        FileLimits {
            per_file: 25 * 1024 * 1024,
            per_request: 100 * 1024 * 1024,
        }
    }
}

impl FileLimits {
    pub fn from_env() -> Result<FileLimits, String> {
        let megabytes = |name: &str, default: u64| -> Result<u64, String> {
            match std::env::var(name) {
                Ok(raw) if !raw.trim().is_empty() => raw
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|mb| *mb > 0)
                    .map(|mb| mb * 1024 * 1024)
                    .ok_or_else(|| {
                        format!("{name} «{raw}»: indique un número entero de megabytes")
                    }),
                _ => Ok(default),
            }
        };
        let defaults = FileLimits::default();
        let limits = FileLimits {
            per_file: megabytes("APP_FILE_MAX_MB", defaults.per_file)?,
            per_request: megabytes("APP_UPLOAD_MAX_MB", defaults.per_request)?,
        };
        if limits.per_request < limits.per_file {
            return Err("APP_UPLOAD_MAX_MB no puede ser menor que APP_FILE_MAX_MB".into());
        }
        Ok(limits)
    }
}

/// Where the contents are.
#[derive(Clone, Debug)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// The folder of the contents, when local (written here directly, so
    /// that each is synced before it is renamed into place).
    local: Option<PathBuf>,
    /// Where uploads are received before they are stored.
    spool: PathBuf,
    pub limits: FileLimits,
}

fn store_error(error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("file store: {error}"))
}

fn io_error(error: std::io::Error) -> ApiError {
    ApiError::Internal(format!("file store: {error}"))
}

/// Where a content is kept: fanned out by its first two hex digits.
fn key(sha256: &str) -> StorePath {
    StorePath::from(format!("{}/{sha256}", sha256.get(..2).unwrap_or("00")))
}

impl FileStore {
    /// A local folder: `objects/` holds the contents, `incoming/` uploads
    /// being received.
    pub fn local(root: &FsPath, limits: FileLimits) -> Result<FileStore, String> {
        let objects = root.join("objects");
        let spool = root.join("incoming");
        for folder in [&objects, &spool] {
            std::fs::create_dir_all(folder)
                .map_err(|e| format!("no se pudo crear la carpeta {}: {e}", folder.display()))?;
        }
        let store = LocalFileSystem::new_with_prefix(&objects)
            .map_err(|e| format!("carpeta de archivos {}: {e}", objects.display()))?;
        Ok(FileStore {
            store: Arc::new(store),
            local: Some(objects),
            spool,
            limits,
        })
    }

    /// An object store shared by several servers; uploads are received in
    /// `spool` (a local folder) before they are stored.
    pub fn remote(
        store: Arc<dyn ObjectStore>,
        spool: &FsPath,
        limits: FileLimits,
    ) -> Result<FileStore, String> {
        std::fs::create_dir_all(spool)
            .map_err(|e| format!("no se pudo crear la carpeta {}: {e}", spool.display()))?;
        Ok(FileStore {
            store,
            local: None,
            spool: spool.to_owned(),
            limits,
        })
    }

    /// `APP_FILE_STORE`: an `s3://bucket/prefix` URL (credentials and
    /// endpoint from the usual `AWS_*` variables), or a folder; by default
    /// `default_folder`.
    pub fn from_env(default_folder: &FsPath) -> Result<FileStore, String> {
        let limits = FileLimits::from_env()?;
        let configured = std::env::var("APP_FILE_STORE")
            .ok()
            .filter(|v| !v.trim().is_empty());
        match configured {
            Some(url) if url.starts_with("s3://") => {
                let bucket = object_store::aws::AmazonS3Builder::from_env()
                    .with_url(url.trim())
                    .build()
                    .map_err(|e| format!("APP_FILE_STORE «{url}»: {e}"))?;
                // The builder takes the bucket from the URL; the path after
                // it is where this app's contents go.
                let prefix = url::Url::parse(url.trim())
                    .map(|u| u.path().trim_matches('/').to_owned())
                    .unwrap_or_default();
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(bucket)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(
                        bucket,
                        prefix.as_str(),
                    ))
                };
                let spool = std::env::var("APP_FILE_SPOOL")
                    .map(PathBuf::from)
                    .unwrap_or_else(|_| std::env::temp_dir().join("manual-uploads"));
                FileStore::remote(store, &spool, limits)
            }
            Some(folder) => {
                let folder = folder.strip_prefix("file://").unwrap_or(&folder);
                FileStore::local(FsPath::new(folder), limits)
            }
            None => FileStore::local(default_folder, limits),
        }
    }

    /// Receives one part of an upload into a spool file: hashed, its kind
    /// decided from its content, within the per-file limit and what is
    /// left of the request's (`used` bytes already taken). Nothing is kept
    /// when it is refused.
    pub async fn receive<S, E>(
        &self,
        raw_name: &str,
        mut chunks: S,
        used: u64,
    ) -> Result<Spooled, ApiError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let name = safe_name(raw_name);
        let path = self.spool.join(new_id());
        let guard = SpoolGuard(Some(path.clone()));
        let file = tokio::fs::File::create(&path).await.map_err(io_error)?;
        let mut writer = tokio::io::BufWriter::with_capacity(256 * 1024, file);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head: Vec<u8> = Vec::new();
        let mut kind: Option<FileKind> = None;
        let mut text = TextCheck::default();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::Unreadable(
                    http::StatusCode::BAD_REQUEST,
                    format!("No se pudo leer el archivo «{name}»: {e}"),
                )
            })?;
            size += chunk.len() as u64;
            if size > self.limits.per_file {
                return Err(too_large(&format!(
                    "El archivo «{name}» supera el máximo de {} por archivo.",
                    size_label(self.limits.per_file as i64)
                )));
            }
            if used + size > self.limits.per_request {
                return Err(request_too_large(&self.limits));
            }
            hasher.update(&chunk);
            if kind.is_none() && head.len() < SNIFF_BYTES {
                head.extend_from_slice(&chunk[..chunk.len().min(SNIFF_BYTES - head.len())]);
                if head.len() == SNIFF_BYTES {
                    kind = Some(decide_kind(&name, &head)?);
                }
            }
            if kind.is_none() || kind == Some(FileKind::Text) {
                text.feed(&chunk);
            }
            writer.write_all(&chunk).await.map_err(io_error)?;
        }
        if size == 0 {
            return Err(ApiError::invalid(
                "files",
                format!("El archivo «{name}» está vacío."),
            ));
        }
        let kind = match kind {
            Some(kind) => kind,
            None => decide_kind(&name, &head)?,
        };
        if kind == FileKind::Text && !text.finish() {
            return Err(refused_kind(&name, "datos binarios"));
        }
        writer.flush().await.map_err(io_error)?;
        let file = writer.into_inner();
        file.sync_all().await.map_err(io_error)?;
        drop(file);
        Ok(Spooled {
            path: guard.keep(),
            sha256: hex(&hasher.finalize()),
            size,
            kind,
            name,
        })
    }

    /// Records received uploads as pending files of a case, their contents
    /// stored first; the spool files go either way.
    pub async fn store_uploads(
        &self,
        db: &Db,
        case_id: &str,
        uploaded_by: &str,
        uploaded_by_label: &str,
        spooled: Vec<Spooled>,
    ) -> Result<Vec<FileInfo>, ApiError> {
        let _guards: Vec<SpoolGuard> = spooled
            .iter()
            .map(|s| SpoolGuard(Some(s.path.clone())))
            .collect();
        for upload in &spooled {
            self.put(upload).await?;
        }
        let at = crate::domain::calendar::now_ms();
        let ids: Vec<String> = spooled.iter().map(|_| new_id()).collect();
        let rows: Vec<NewFile> = spooled
            .iter()
            .zip(&ids)
            .map(|(upload, id)| NewFile {
                id,
                case_id,
                sha256: &upload.sha256,
                size: upload.size as i64,
                media_type: upload.kind.media_type(),
                name: &upload.name,
                uploaded_by,
                at,
            })
            .collect();
        let store = self.clone();
        let spools: Arc<Vec<Spooled>> = Arc::new(spooled.clone());
        let ensure = move |sha256: &str| {
            let store = store.clone();
            let spools = spools.clone();
            let sha256 = sha256.to_owned();
            Box::pin(async move {
                if store.contains(&sha256).await? {
                    return Ok(());
                }
                // A sweep removed it while it was unreferenced: store it again.
                match spools.iter().find(|s| s.sha256 == sha256) {
                    Some(upload) => store.put(upload).await,
                    None => Err(ApiError::Internal(format!(
                        "upload {sha256} lost its spool"
                    ))),
                }
            })
                as std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>> + Send>>
        };
        db.record_uploads(&rows, &ensure).await?;
        Ok(spooled
            .into_iter()
            .zip(ids)
            .map(|(upload, id)| FileInfo {
                id,
                name: upload.name,
                size: upload.size as i64,
                media_type: upload.kind.media_type().to_owned(),
                sha256: upload.sha256,
                uploaded_by: uploaded_by_label.to_owned(),
                uploaded_at: at,
                version: None,
            })
            .collect())
    }

    /// Stores a received content under its hash (kept as it is when the
    /// same content is there already).
    async fn put(&self, upload: &Spooled) -> Result<(), ApiError> {
        match &self.local {
            Some(objects) => {
                let target = objects.join(key(&upload.sha256).as_ref());
                let spool = upload.path.clone();
                tokio::task::spawn_blocking(move || link_synced(&spool, &target))
                    .await
                    .map_err(|e| ApiError::Internal(e.to_string()))?
                    .map_err(io_error)
            }
            None => self.put_remote(upload).await,
        }
    }

    async fn put_remote(&self, upload: &Spooled) -> Result<(), ApiError> {
        let location = key(&upload.sha256);
        let mut file = tokio::fs::File::open(&upload.path)
            .await
            .map_err(io_error)?;
        if upload.size as usize <= PART_BYTES {
            let mut content = Vec::with_capacity(upload.size as usize);
            file.read_to_end(&mut content).await.map_err(io_error)?;
            self.store
                .put(&location, PutPayload::from(content))
                .await
                .map_err(store_error)?;
            return Ok(());
        }
        let upload_parts = self
            .store
            .put_multipart(&location)
            .await
            .map_err(store_error)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload_parts, PART_BYTES);
        let mut buffer = vec![0u8; 1024 * 1024];
        loop {
            let read = file.read(&mut buffer).await.map_err(io_error)?;
            if read == 0 {
                break;
            }
            writer.wait_for_capacity(2).await.map_err(store_error)?;
            writer.write(&buffer[..read]);
        }
        writer.finish().await.map_err(store_error)?;
        Ok(())
    }

    async fn contains(&self, sha256: &str) -> Result<bool, ApiError> {
        match self.store.head(&key(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(store_error(error)),
        }
    }

    /// A stored content, as it streams.
    pub async fn open(
        &self,
        sha256: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>> + Send + 'static, ApiError>
    {
        let found = self.store.get(&key(sha256)).await.map_err(store_error)?;
        Ok(found.into_stream())
    }

    async fn remove(&self, sha256: &str) -> Result<(), ApiError> {
        match self.store.delete(&key(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(store_error(error)),
        }
    }

    /// Removes what failed or abandoned uploads left: pending files kept
    /// past their time, contents no file names, contents stored with no
    /// row (a crash between the two), and old spool files. `now` is when
    /// it runs. Returns how many contents were removed.
    pub async fn sweep(&self, db: &Db, now: i64) -> Result<usize, ApiError> {
        db.forget_pending_files(now - PENDING_KEPT_MS).await?;
        let before = now - GRACE_MS;
        let mut removed = 0;
        loop {
            let candidates = db.unreferenced_blobs(before, 100).await?;
            let mut any = false;
            for sha256 in &candidates {
                if db
                    .remove_blob(sha256, before, Box::pin(self.remove(sha256)))
                    .await?
                {
                    removed += 1;
                    any = true;
                }
            }
            if candidates.len() < 100 || !any {
                break;
            }
        }
        let known: HashSet<String> = db.known_blobs().await?.into_iter().collect();
        let mut listed = self.store.list(None);
        while let Some(meta) = listed.next().await {
            let meta = meta.map_err(store_error)?;
            let Some(sha256) = meta.location.filename().map(str::to_owned) else {
                continue;
            };
            if !known.contains(&sha256) && meta.last_modified.timestamp_millis() < before {
                self.remove(&sha256).await?;
                removed += 1;
            }
        }
        let spool = self.spool.clone();
        tokio::task::spawn_blocking(move || remove_old_files(&spool, before))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(removed)
    }
}

/// An upload received and synced in the spool, not yet stored.
#[derive(Clone, Debug)]
pub struct Spooled {
    path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub kind: FileKind,
    pub name: String,
}

impl Spooled {
    /// Removes the spool file of an upload that will not be stored.
    pub fn discard(self) {
        drop(SpoolGuard(Some(self.path)));
    }
}

/// Removes a spool file when dropped, unless kept.
struct SpoolGuard(Option<PathBuf>);

impl SpoolGuard {
    fn keep(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for SpoolGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Links a synced spool file into place under its hash and syncs the
/// folder, so the name survives a power cut; a content already there is
/// the same content.
fn link_synced(spool: &FsPath, target: &FsPath) -> std::io::Result<()> {
    let folder = target.parent().expect("contents live in a folder");
    std::fs::create_dir_all(folder)?;
    match std::fs::hard_link(spool, target) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(error),
    }
    std::fs::File::open(folder)?.sync_all()
}

fn remove_old_files(folder: &FsPath, before: i64) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .is_some_and(|t| (t.as_millis() as i64) < before);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a person is told when the files sent together are too large.
pub fn request_too_large(limits: &FileLimits) -> ApiError {
    too_large(&format!(
        "Los archivos enviados juntos superan el máximo de {} por envío: envíelos por partes.",
        size_label(limits.per_request as i64)
    ))
}

fn too_large(message: &str) -> ApiError {
    ApiError::Unreadable(http::StatusCode::PAYLOAD_TOO_LARGE, message.to_owned())
}

fn refused_kind(name: &str, found: &str) -> ApiError {
    ApiError::Unreadable(
        http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!(
            "El archivo «{name}» no es de un tipo admitido (su contenido es {found}). Se admiten {ACCEPTED_KINDS}."
        ),
    )
}

/// The kind of a file from its first bytes, never from its name.
fn decide_kind(name: &str, head: &[u8]) -> Result<FileKind, ApiError> {
    match infer::get(head) {
        None => Ok(FileKind::Text),
        Some(found) => match found.mime_type() {
            "application/pdf" => Ok(FileKind::Pdf),
            "application/vnd.oasis.opendocument.text" => Ok(FileKind::Odt),
            "application/vnd.oasis.opendocument.spreadsheet" => Ok(FileKind::Ods),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Ok(FileKind::Docx)
            }
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                Ok(FileKind::Xlsx)
            }
            "image/png" => Ok(FileKind::Png),
            "image/jpeg" => Ok(FileKind::Jpeg),
            "application/zip" => Ok(FileKind::Zip),
            other => Err(refused_kind(name, other)),
        },
    }
}

/// Whether a stream is plain text: UTF-8 throughout (checked across chunk
/// boundaries) with no control characters but tabs, line and page breaks.
#[derive(Default)]
struct TextCheck {
    carry: Vec<u8>,
    binary: bool,
}

impl TextCheck {
    fn feed(&mut self, chunk: &[u8]) {
        if self.binary {
            return;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        let valid = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            Err(error) if error.error_len().is_none() => {
                // A character cut by the chunk's end: finish it with the next.
                let (valid, rest) = bytes.split_at(error.valid_up_to());
                self.carry = rest.to_vec();
                std::str::from_utf8(valid).unwrap_or_default()
            }
            Err(_) => {
                self.binary = true;
                return;
            }
        };
        if valid
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        {
            self.binary = true;
        }
    }

    fn finish(self) -> bool {
        !self.binary && self.carry.is_empty()
    }
}

/// Receives the files of a multipart upload (parts with a file name) as
/// pending files of a case the person sees; all are stored or none.
pub async fn upload(
    db: &Db,
    store: &FileStore,
    user: &User,
    case_id: &str,
    mut multipart: Multipart,
) -> Result<Vec<FileInfo>, ApiError> {
    visible_case(db, user, case_id).await?;
    let mut received = Received(Vec::new());
    let mut used = 0;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let Some(name) = field.file_name().map(form_name) else {
            continue;
        };
        if received.0.len() == MAX_FILES_PER_ENTRY {
            return Err(ApiError::invalid(
                "files",
                format!("Envíe como máximo {MAX_FILES_PER_ENTRY} archivos a la vez."),
            ));
        }
        let spooled = store.receive(&name, field, used).await?;
        used += spooled.size;
        received.0.push(spooled);
    }
    if received.0.is_empty() {
        return Err(ApiError::invalid("files", "Elija al menos un archivo."));
    }
    let spooled = std::mem::take(&mut received.0);
    store
        .store_uploads(db, case_id, &user.id, &user.label(), spooled)
        .await
}

/// A file name as browsers write it in a form: CR, LF and `"` escaped as
/// `%0D`, `%0A` and `%22` (and nothing else).
fn form_name(raw: &str) -> String {
    raw.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%22", "\"")
}

fn unreadable(error: axum::extract::multipart::MultipartError) -> ApiError {
    let status = error.status();
    let message = if status == http::StatusCode::PAYLOAD_TOO_LARGE {
        "El envío es demasiado grande.".to_owned()
    } else {
        format!(
            "No se pudo leer el envío de archivos: {}",
            error.body_text()
        )
    };
    ApiError::Unreadable(status, message)
}

/// Uploads received so far: their spool files go if the request fails.
struct Received(Vec<Spooled>);

impl Drop for Received {
    fn drop(&mut self) {
        for upload in self.0.drain(..) {
            upload.discard();
        }
    }
}

fn file_not_found() -> ApiError {
    ApiError::NotFound("No existe el archivo o no le corresponde.".into())
}

/// A file as its reader may have it: attached to a case they see, or
/// their own pending upload; another's is not found.
pub async fn visible_file(db: &Db, user: &User, id: &str) -> Result<FileRecord, ApiError> {
    let file = db.find_file(id).await?.ok_or_else(file_not_found)?;
    let record = db
        .find_case(&file.case_id)
        .await?
        .ok_or_else(file_not_found)?;
    let visible = user.actor().may_see(&record.entity_ids())
        && (file.version.is_some() || file.uploader_id == user.id);
    if visible {
        Ok(file)
    } else {
        Err(file_not_found())
    }
}

/// A case's attached files, and the reader's own pending uploads in it.
pub async fn case_files(db: &Db, user: &User, case_id: &str) -> Result<Vec<FileInfo>, ApiError> {
    visible_case(db, user, case_id).await?;
    Ok(db
        .case_files(case_id, &user.id)
        .await?
        .into_iter()
        .map(FileRecord::into_info)
        .collect())
}

/// The characters RFC 5987 lets through unencoded in `filename*`.
const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `Content-Disposition` for a stored name (RFC 6266): an ASCII `filename`
/// for old clients and the exact name, accents and ñ included, in
/// `filename*` (RFC 5987).
pub fn content_disposition(name: &str, inline: bool) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, ATTR_CHAR);
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_checked_across_chunks() {
        let mut check = TextCheck::default();
        let text = "Acta de reunión — año\n".as_bytes();
        let (a, b) = text.split_at(16);
        check.feed(a);
        check.feed(b);
        assert!(check.finish());
        let mut binary = TextCheck::default();
        binary.feed(b"MZ\x00\x01");
        assert!(!binary.finish());
        let mut cut = TextCheck::default();
        cut.feed(&"ñ".as_bytes()[..1]);
        assert!(!cut.finish());
    }

    #[test]
    fn names_are_served_safely_with_their_accents() {
        assert_eq!(
            content_disposition("Informe técnico Nº 5.pdf", false),
            "attachment; filename=\"Informe t_cnico N_ 5.pdf\"; filename*=UTF-8''Informe%20t%C3%A9cnico%20N%C2%BA%205.pdf"
        );
        let served = content_disposition(&safe_name("../a\"b\r\nc;d.pdf"), true);
        assert!(
            served.starts_with("inline; filename=\"ab c;d.pdf\""),
            "{served}"
        );
        assert!(!served.contains('\n') && !served.contains('\r'));
    }

    #[test]
    fn kinds_come_from_the_content() {
        assert_eq!(decide_kind("x", b"%PDF-1.7\n").unwrap(), FileKind::Pdf);
        assert_eq!(
            decide_kind("x", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap(),
            FileKind::Png
        );
        assert_eq!(decide_kind("x", b"hola").unwrap(), FileKind::Text);
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
        elf.resize(128, 0);
        assert_eq!(
            decide_kind("informe.pdf", &elf).unwrap_err().status(),
            http::StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }
}
