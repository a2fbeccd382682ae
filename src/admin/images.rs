//! Picture fields of console forms: a file chosen in the form is stored in the merchant's file
//! store and becomes the URL; otherwise the URL typed in is used.

use std::path::PathBuf;

use rocket::form;
use rocket::fs::TempFile;
use rocket::request::{self, FromRequest, Request};
use rocket::tokio::io::AsyncReadExt;

use super::page::Problem;
use crate::config::Config;
use crate::db::Db;
use crate::error::AdminError;
use crate::present::BaseUrl;
use crate::service::upload::{self, Stored};

/// Where console uploads go, and the public URL they are served at.
pub struct FileStore {
    db: Db,
    dir: PathBuf,
    max_bytes: u64,
    pub base: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for FileStore {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let (Some(db), Some(cfg)) = (req.rocket().state::<Db>(), req.rocket().state::<Config>()) else {
            return request::Outcome::Error((rocket::http::Status::InternalServerError, ()));
        };
        let base = match req.guard::<BaseUrl>().await {
            request::Outcome::Success(b) => b.0,
            _ => cfg.public_url(),
        };
        request::Outcome::Success(FileStore {
            db: db.clone(),
            dir: cfg.uploads_dir(),
            max_bytes: cfg.upload_max_bytes,
            base,
        })
    }
}

/// What a file input sent: nothing, a file, or a reason it could not be received.
pub fn chosen<'r>(
    file: form::Result<'r, TempFile<'r>>,
    max_bytes: u64,
) -> Result<Option<TempFile<'r>>, Problem> {
    use rocket::form::error::ErrorKind;
    match file {
        Ok(f) if f.len() > 0 => Ok(Some(f)),
        Ok(_) => Ok(None),
        Err(errors) if errors.iter().any(|e| matches!(e.kind, ErrorKind::Missing)) => Ok(None),
        Err(errors) if errors.iter().any(|e| matches!(e.kind, ErrorKind::InvalidLength { .. })) => {
            Err(Problem::Say(format!("文件太大，最大 {}", upload::limit_text(max_bytes))))
        }
        Err(errors) => Err(Problem::Say(format!("文件没有收到：{errors}"))),
    }
}

impl FileStore {
    pub fn url(&self, path: &str) -> String {
        upload::url_of(&self.base, path)
    }

    /// Stores a received file (any type the store accepts unless `images_only`).
    pub async fn store(&self, file: TempFile<'_>, images_only: bool) -> Result<Stored, Problem> {
        let name = file
            .raw_name()
            .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
            .unwrap_or_default();
        let mut bytes = Vec::with_capacity(usize::try_from(file.len()).unwrap_or(0));
        let read = async { file.open().await?.read_to_end(&mut bytes).await };
        read.await.map_err(|e| AdminError::Internal(format!("reading upload: {e}")))?;
        if images_only && !crate::sniff::file_type(&bytes).is_some_and(|(mime, _)| mime.starts_with("image/"))
        {
            return Err(Problem::Say("只能上传 jpg、png、gif 或 webp 图片".into()));
        }
        let (db, dir, max) = (self.db.clone(), self.dir.clone(), self.max_bytes);
        crate::db::blocking(move || upload::store(&db, &dir, max, &bytes, &name, None, None))
            .await
            .map_err(|e| Problem::refused(e, &[("upfile", "文件")]))
    }

    /// The picture URL a form ends up with: the uploaded file's, else the one typed in.
    pub async fn picture<'r>(
        &self,
        file: form::Result<'r, TempFile<'r>>,
        typed: &str,
    ) -> Result<String, Problem> {
        if let Some(f) = chosen(file, self.max_bytes)? {
            // Our own files are stored relative, so a new domain never breaks them.
            return Ok(upload::relative_url(&self.store(f, true).await?.path));
        }
        typed_picture(typed)
    }

    /// The largest file the store takes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }
}

/// A picture address typed into a form: ours ("/uploads/…") or an http(s) URL; "" stays "".
pub fn typed_picture(typed: &str) -> Result<String, Problem> {
    let typed = typed.trim();
    let ours = typed.starts_with("/uploads/") && !typed.contains("..");
    if !(typed.is_empty() || ours || typed.starts_with("https://") || typed.starts_with("http://")) {
        return Err(Problem::Say("图片地址应以 https:// 或 http:// 开头".into()));
    }
    Ok(typed.to_string())
}
