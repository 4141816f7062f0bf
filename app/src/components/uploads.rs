//! Picking files (or dropping them, or taking a photo on a tablet) and
//! sending each to the case as it is picked, with its progress; the list
//! of uploads is then attached by whatever the person completes.

use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::documents::{accept_attribute, size_label, FileInfo, ACCEPTED_KINDS, NOTHING_TO_ATTACH};

#[derive(Clone, Debug, PartialEq)]
pub enum UploadState {
    /// Sending: the fraction sent so far, 0 to 1.
    Sending(f64),
    Done(FileInfo),
    Failed(String),
}

/// One file the person picked.
#[derive(Clone, Debug)]
pub struct Upload {
    pub key: u64,
    pub name: String,
    pub size: f64,
    pub state: RwSignal<UploadState>,
}

/// The ids of the uploads to attach, or what to tell the person when some
/// are not ready.
pub fn ready_ids(uploads: &[Upload]) -> Result<Vec<String>, String> {
    let mut ids = Vec::new();
    for upload in uploads {
        match upload.state.get_untracked() {
            UploadState::Done(file) => ids.push(file.id),
            UploadState::Sending(_) => {
                return Err(format!(
                    "Espere a que termine de subir «{}» o quítelo.",
                    upload.name
                ))
            }
            UploadState::Failed(_) => {
                return Err(format!(
                    "«{}» no se pudo subir: quítelo o elíjalo de nuevo.",
                    upload.name
                ))
            }
        }
    }
    Ok(ids)
}

/// The ids of the uploads to attach after the fact: at least one.
pub fn files_to_attach(uploads: &[Upload]) -> Result<Vec<String>, String> {
    ready_ids(uploads).and_then(|ids| {
        if ids.is_empty() {
            Err(NOTHING_TO_ATTACH.to_owned())
        } else {
            Ok(ids)
        }
    })
}

/// A file picker that uploads to `case_id` as files are picked or dropped.
#[component]
pub fn FilePicker(
    case_id: String,
    uploads: RwSignal<Vec<Upload>>,
    /// What the files are, for the label: "Archivos de la salida".
    label: String,
    /// Makes the inputs' ids unique on the page.
    id: String,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let input_id = format!("files-{id}");
    let camera_id = format!("camera-{id}");
    let case_id = StoredValue::new(case_id);
    #[cfg(feature = "hydrate")]
    let take = move |list: Option<web_sys::FileList>| {
        if let Some(list) = list {
            case_id.with_value(|id| send::pick(id, uploads, &list));
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = case_id;
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = _ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                take(input.files());
                // The same file may be picked again after it is removed.
                input.set_value("");
            }
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        take(ev.data_transfer().and_then(|d| d.files()));
    };
    let rows = move || {
        uploads
            .get()
            .into_iter()
            .map(|upload| {
                let key = upload.key;
                let state = upload.state;
                let status = move || match state.get() {
                    UploadState::Sending(done) => {
                        let percent = (done * 100.0).round() as u32;
                        EitherOf3::A(view! {
                            <progress max="100" value=percent></progress>
                            <span class="muted">{format!("{percent} %")}</span>
                        })
                    }
                    UploadState::Done(file) => EitherOf3::B(view! {
                        <span class="upload-done">"Subido"</span>
                        <code title=file.sha256.clone()>{file.short_sha256().to_owned()}</code>
                    }),
                    UploadState::Failed(message) => EitherOf3::C(view! {
                        <span class="upload-failed" role="alert">{message}</span>
                    }),
                };
                view! {
                    <li class="upload" data-upload=upload.name.clone()>
                        <span class="upload-name">{upload.name.clone()}</span>
                        <span class="muted">{size_label(upload.size as i64)}</span>
                        {status}
                        <button
                            type="button"
                            class="button button-small"
                            on:click=move |_| uploads.update(|list| list.retain(|u| u.key != key))
                        >
                            {format!("Quitar {}", upload.name)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div
            class="dropzone"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label for=input_id.clone()>{label}</label>
            <p class="hint">{format!("Arrastre los archivos aquí o elíjalos. {ACCEPTED_KINDS}.")}</p>
            <div class="button-row">
                <input id=input_id type="file" multiple accept=accept_attribute() on:change=on_change />
                <label class="button button-small camera" for=camera_id.clone()>"Tomar una foto"</label>
                <input id=camera_id class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=on_change />
            </div>
            <ul class="uploads" aria-live="polite">{rows}</ul>
        </div>
    }
}

/// A file picker in a form the server draws: the picker as the server
/// draws it, made to work in the browser by [`enliven_pickers`]. What it
/// uploads is then read with [`picked`].
#[component]
pub fn PickerSlot(case_id: String, label: String, id: String) -> impl IntoView {
    let uploads = RwSignal::new(Vec::new());
    let picker =
        view! { <FilePicker case_id=case_id.clone() uploads label=label.clone() id=id.clone() /> };
    view! { <div data-file-picker=id data-case=case_id data-label=label>{picker}</div> }
}

/// A picker at work on the page: its slot's id and element, its uploads,
/// and what keeps it mounted.
#[cfg(feature = "hydrate")]
type Working = (
    String,
    web_sys::Element,
    RwSignal<Vec<Upload>>,
    Box<dyn std::any::Any>,
);

#[cfg(feature = "hydrate")]
thread_local! {
    static PICKERS: std::cell::RefCell<Vec<Working>> = Default::default();
}

/// Mounts a working picker in each [`PickerSlot`] of the page that has
/// none yet: at first, and after the page took in new markup.
#[cfg(feature = "hydrate")]
pub fn enliven_pickers() {
    use wasm_bindgen::JsCast;
    let slots = super::browser::elements_on_page("[data-file-picker]:not([data-enlivened])");
    for slot in slots {
        let Ok(slot) = slot.dyn_into::<web_sys::HtmlElement>() else {
            continue;
        };
        let attribute = |name| slot.get_attribute(name).unwrap_or_default();
        let (id, case_id, label) = (
            attribute("data-file-picker"),
            attribute("data-case"),
            attribute("data-label"),
        );
        let _ = slot.set_attribute("data-enlivened", "");
        slot.set_inner_html("");
        let uploads = RwSignal::new(Vec::new());
        let picker_id = id.clone();
        let element: web_sys::Element = slot.clone().into();
        let mounted = leptos::mount::mount_to(slot, move || {
            view! { <FilePicker case_id uploads label id=picker_id /> }
        });
        PICKERS.with(|pickers| {
            let mut pickers = pickers.borrow_mut();
            // Those of slots the page no longer holds go.
            pickers.retain(|(other, slot, ..)| *other != id && slot.is_connected());
            pickers.push((id, element, uploads, Box::new(mounted)));
        });
    }
}

/// The uploads of the picker in slot `id`, once it works.
#[cfg(feature = "hydrate")]
pub fn picked(id: &str) -> Option<RwSignal<Vec<Upload>>> {
    PICKERS.with(|pickers| {
        pickers
            .borrow()
            .iter()
            .find(|(slot, ..)| slot == id)
            .map(|(_, _, uploads, _)| *uploads)
    })
}

#[cfg(feature = "hydrate")]
mod send {
    use std::sync::atomic::{AtomicU64, Ordering};

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    use super::{Upload, UploadState};
    use crate::documents::FileInfo;

    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

    /// Starts uploading every file of `list`, each in a request of its own
    /// so that each shows its own progress.
    pub fn pick(case_id: &str, uploads: RwSignal<Vec<Upload>>, list: &web_sys::FileList) {
        for index in 0..list.length() {
            let Some(file) = list.item(index) else {
                continue;
            };
            let upload = Upload {
                key: NEXT_KEY.fetch_add(1, Ordering::Relaxed),
                name: file.name(),
                size: file.size(),
                state: RwSignal::new(UploadState::Sending(0.0)),
            };
            let state = upload.state;
            uploads.update(|all| all.push(upload));
            if let Err(error) = start(case_id, &file, state) {
                state.set(UploadState::Failed(error));
            }
        }
    }

    fn start(
        case_id: &str,
        file: &web_sys::File,
        state: RwSignal<UploadState>,
    ) -> Result<(), String> {
        let failed = |_| "El navegador no pudo enviar el archivo.".to_owned();
        let form = web_sys::FormData::new().map_err(failed)?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(failed)?;
        let request = web_sys::XmlHttpRequest::new().map_err(failed)?;
        request
            .open("POST", &format!("/api/v1/cases/{case_id}/files"))
            .map_err(failed)?;
        request
            .set_request_header("Accept", "application/json")
            .map_err(failed)?;
        let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
            move |event: web_sys::ProgressEvent| {
                if event.length_computable() && event.total() > 0.0 {
                    state.set(UploadState::Sending(event.loaded() / event.total()));
                }
            },
        );
        request
            .upload()
            .map_err(failed)?
            .set_onprogress(Some(progress.as_ref().unchecked_ref()));
        progress.forget();
        let answered = request.clone();
        let done = Closure::once_into_js(move || {
            let status = answered.status().unwrap_or(0);
            let body = answered.response_text().ok().flatten().unwrap_or_default();
            state.set(outcome(status, &body));
        });
        request.set_onloadend(Some(done.unchecked_ref()));
        request.send_with_opt_form_data(Some(&form)).map_err(failed)
    }

    /// What the server's answer means for one upload.
    fn outcome(status: u16, body: &str) -> UploadState {
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        if status == 201 {
            let file = json["files"]
                .get(0)
                .cloned()
                .and_then(|f| serde_json::from_value::<FileInfo>(f).ok());
            return match file {
                Some(file) => UploadState::Done(file),
                None => UploadState::Failed("El servidor no confirmó el archivo.".into()),
            };
        }
        let message = match (status, json["error"].as_str()) {
            (0, _) => "Se perdió la conexión mientras se subía: inténtelo de nuevo.".to_owned(),
            (_, Some(error)) => error.to_owned(),
            (_, None) => format!("El servidor rechazó el archivo ({status})."),
        };
        UploadState::Failed(message)
    }
}

/// Files kept in a case's history: each downloadable, with its size, who
/// uploaded it and when, and its SHA-256 (short, the whole on demand).
#[component]
pub fn AttachedFiles(files: Vec<FileInfo>) -> impl IntoView {
    let items = files
        .into_iter()
        .map(|file| {
            let view_link = file.view_href().map(|href| {
                view! {
                    " · "
                    <a href=href target="_blank" rel="noopener">"Ver"</a>
                }
            });
            view! {
                <li class="attached-file" data-file=file.name.clone()>
                    <a href=file.href() download=file.name.clone()>{file.name.clone()}</a>
                    {view_link}
                    <span class="muted">
                        {format!(
                            " · {} · subido por {} el {}",
                            size_label(file.size),
                            file.uploaded_by,
                            crate::domain::calendar::bolivia_time(file.uploaded_at),
                        )}
                    </span>
                    <details class="sha">
                        <summary>{format!("SHA-256 {}…", file.short_sha256())}</summary>
                        <code>{file.sha256.clone()}</code>
                    </details>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="attached-files">{items}</ul> }
}
