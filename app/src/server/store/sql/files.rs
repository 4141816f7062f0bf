//! The files' rows: each upload, pending until a history entry of its case
//! attaches it, and the stored contents (`blobs`) they name. The contents
//! themselves live in the file store, written before these rows commit.

use std::future::Future;
use std::pin::Pin;

use super::dialect::{self, Connection, Pool};
use crate::documents::FileInfo;
use crate::server::error::ApiError;
use crate::server::store::{EnsureStored, FileRecord, NewFile};

/// Records uploads as pending files of their case, all or none. Each blob
/// row is written (or its `stored_at` renewed) first: that holds it against
/// a sweep until the commit, and `ensure_stored` then makes sure the content
/// is there before the row that names it commits.
pub async fn record_uploads(
    pool: &Pool,
    files: &[NewFile<'_>],
    ensure_stored: EnsureStored<'_>,
) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    for file in files {
        sqlx::query(
            "INSERT INTO blobs (sha256, size, stored_at) VALUES ($1, $2, $3)
             ON CONFLICT (sha256) DO UPDATE SET stored_at = excluded.stored_at",
        )
        .bind(file.sha256)
        .bind(file.size)
        .bind(file.at)
        .execute(&mut *tx)
        .await?;
        ensure_stored(file.sha256).await?;
        sqlx::query(
            "INSERT INTO files (id, case_id, sha256, size, media_type, name, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(file.id)
        .bind(file.case_id)
        .bind(file.sha256)
        .bind(file.size)
        .bind(file.media_type)
        .bind(file.name)
        .bind(file.uploaded_by)
        .bind(file.at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Attaches pending files of `user_id` to the history entry `version` of
/// their case, inside the transaction that appends it; refused whole when
/// one is not such a file.
pub async fn attach_in(
    conn: &mut Connection,
    case_id: &str,
    user_id: &str,
    version: i64,
    ids: &[String],
    submission_id: Option<&str>,
) -> Result<(), ApiError> {
    for (position, id) in ids.iter().enumerate() {
        let attached = sqlx::query(
            "UPDATE files SET version = $1, submission_id = $2, position = $6
             WHERE id = $3 AND case_id = $4 AND uploaded_by = $5 AND version IS NULL",
        )
        .bind(version)
        .bind(submission_id)
        .bind(id)
        .bind(case_id)
        .bind(user_id)
        .bind(position as i64)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if attached != 1 {
            return Err(not_pending(id));
        }
    }
    Ok(())
}

const FILE_COLUMNS: &str = concat!(
    "f.id, f.case_id, f.name, f.size, f.media_type, f.sha256, ",
    person_label!(),
    " AS uploaded_by, f.uploaded_by AS uploader_id, f.uploaded_at, f.version"
);

pub async fn find_file(pool: &Pool, id: &str) -> Result<Option<FileRecord>, ApiError> {
    Ok(sqlx::query_as::<_, FileRecord>(&format!(
        "SELECT {FILE_COLUMNS} FROM files f JOIN users u ON u.id = f.uploaded_by WHERE f.id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// The case's attached files in history order, then `user_id`'s pending
/// ones in upload order.
pub async fn case_files(
    pool: &Pool,
    case_id: &str,
    user_id: &str,
) -> Result<Vec<FileRecord>, ApiError> {
    Ok(sqlx::query_as::<_, FileRecord>(&format!(
        "SELECT {FILE_COLUMNS} FROM files f JOIN users u ON u.id = f.uploaded_by
         WHERE f.case_id = $1 AND (f.version IS NOT NULL OR f.uploaded_by = $2)
         ORDER BY f.version IS NULL, f.version, f.position, f.uploaded_at, f.id"
    ))
    .bind(case_id)
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// The attached files of a case, for its history.
pub async fn attached_files(pool: &Pool, case_id: &str) -> Result<Vec<FileInfo>, ApiError> {
    let rows = sqlx::query_as::<_, FileRecord>(&format!(
        "SELECT {FILE_COLUMNS} FROM files f JOIN users u ON u.id = f.uploaded_by
         WHERE f.case_id = $1 AND f.version IS NOT NULL ORDER BY f.version, f.position"
    ))
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(FileRecord::into_info).collect())
}

/// The supporting documents attached to a sent form.
pub async fn submission_files(pool: &Pool, submission_id: &str) -> Result<Vec<FileInfo>, ApiError> {
    let rows = sqlx::query_as::<_, FileRecord>(&format!(
        "SELECT {FILE_COLUMNS} FROM files f JOIN users u ON u.id = f.uploaded_by
         WHERE f.submission_id = $1 ORDER BY f.version, f.position"
    ))
    .bind(submission_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(FileRecord::into_info).collect())
}

/// Forgets uploads never attached since `before`; returns how many.
pub async fn forget_pending(pool: &Pool, before: i64) -> Result<u64, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let forgotten = sqlx::query("DELETE FROM files WHERE version IS NULL AND uploaded_at < $1")
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(forgotten)
}

/// Contents no file names any more, stored before `before`: the sweep's
/// candidates.
pub async fn unreferenced_blobs(
    pool: &Pool,
    before: i64,
    limit: i64,
) -> Result<Vec<String>, ApiError> {
    Ok(sqlx::query_scalar(
        "SELECT b.sha256 FROM blobs b WHERE b.stored_at < $1
         AND NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = b.sha256) LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Every content the rows know of, for the sweep of the store.
pub async fn known_blobs(pool: &Pool) -> Result<Vec<String>, ApiError> {
    Ok(sqlx::query_scalar("SELECT sha256 FROM blobs")
        .fetch_all(pool)
        .await?)
}

/// Removes a content still unreferenced and stored before `before`: its
/// row is held while `remove` deletes it from the store, so an upload of
/// the same content waits and then stores it again. Whether it was removed.
pub async fn remove_blob(
    pool: &Pool,
    sha256: &str,
    before: i64,
    remove: Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + '_>>,
) -> Result<bool, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    dialect::lock_blob(&mut tx, sha256).await?;
    let removed = sqlx::query(
        "DELETE FROM blobs WHERE sha256 = $1 AND stored_at < $2
         AND NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = blobs.sha256)",
    )
    .bind(sha256)
    .bind(before)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if removed {
        remove.await?;
        tx.commit().await?;
    }
    Ok(removed)
}

/// A file id that is not a pending upload of the person in this case.
pub fn not_pending(id: &str) -> ApiError {
    ApiError::invalid(
        "files",
        format!(
            "El archivo {id} no es una carga suya pendiente en este expediente: súbalo de nuevo."
        ),
    )
}
