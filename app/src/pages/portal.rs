//! The entity portal: the request forms (Anexos 1-3), their check-answers
//! and confirmation pages, and each sent version as a printable document.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

use super::session::{error_text, follow_answers};
use crate::actions::{
    load_form_page, load_portal, load_submission, load_submission_files, AttachFiles,
};
use crate::components::form_assistant::FormAssistant;
use crate::components::json_form::{Declare, Declared, JsonForm};
use crate::components::uploads::{files_to_attach, AttachedFiles, FilePicker, Upload};
use crate::documents::FileInfo;
use crate::domain::calendar::bolivia_time;
use crate::forms::fields::{Field, Kind};
use crate::forms::{Anexo, AnyForm, Submission, SubmissionStatus};
use crate::portal::CaseLink;

/// The form's fields as JSON, whatever form it is.
fn values_of(form: &AnyForm) -> Value {
    serde_json::to_value(form)
        .ok()
        .and_then(|v| v.get("form").cloned())
        .unwrap_or(Value::Null)
}

fn refusal(error: &ServerFnError, here: &str) -> AnyView {
    view! {
        <p class="notice notice-error" role="alert">
            {error_text(error)} " " <a href=format!("/ingresar?next={here}")>"Ingresar"</a>
        </p>
    }
    .into_any()
}

fn anexo_param() -> Option<Anexo> {
    let params = use_params_map();
    params
        .with_untracked(|p| p.get("anexo"))
        .and_then(|slug| Anexo::from_slug(&slug))
}

fn status_text(status: SubmissionStatus) -> &'static str {
    match status {
        SubmissionStatus::Submitted => "Enviado, en revisión por AGETIC",
        SubmissionStatus::Returned => "Devuelto con observaciones: corríjalo y vuelva a enviarlo",
    }
}

fn no_case_notice(open_case: &Option<CaseLink>) -> Option<AnyView> {
    open_case.is_none().then(|| {
        view! {
            <p class="notice">
                "Los formularios se adjuntan al expediente PR6 de su entidad, y aún no tiene uno abierto. Puede llenarlos ahora; para enviarlos, "
                <a href="/expedientes">"abra un expediente PR6"</a>
                "."
            </p>
        }
        .into_any()
    })
}

/// `/portal`
#[component]
pub fn PortalPage() -> impl IntoView {
    let portal = Resource::new(|| (), |_| load_portal());
    view! {
        <Title text="Formularios de solicitud" />
        <h1>"Formularios de solicitud"</h1>
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || {
                portal.get().map(|result| match result {
                    Err(error) => refusal(&error, "/portal"),
                    Ok(portal) => {
                        let items = portal
                            .forms
                            .into_iter()
                            .map(|standing| {
                                let anexo = standing.anexo;
                                let state = match (&standing.latest, standing.draft_saved_at) {
                                    (Some(sent), _) => format!("Versión {} · {} · {}", sent.version, sent.reference, status_text(sent.status)),
                                    (None, Some(at)) => format!("Borrador guardado el {}", bolivia_time(at)),
                                    (None, None) => "Sin empezar".to_owned(),
                                };
                                let document = standing.latest.as_ref().map(|sent| {
                                    view! { <a href=format!("/envios/{}", sent.id)>"Ver lo enviado"</a> }
                                });
                                view! {
                                    <li class="inbox-item" data-anexo=anexo.slug()>
                                        <a href=format!("/portal/{}", anexo.slug())>{anexo.title()}</a>
                                        <p class="muted">{state}</p>
                                        {document}
                                    </li>
                                }
                            })
                            .collect_view();
                        let case = portal.open_case.clone().map(|case| {
                            view! {
                                <p>"Lo que envíe se adjunta al expediente " <a href=format!("/expedientes/{}", case.id)>{case.reference}</a> "."</p>
                            }
                        });
                        view! {
                            <p class="lead">{format!("{}: llene los formularios que el manual pide a la entidad solicitante (PR6, actividad 9). Lo que escribe se guarda solo, y puede seguir en otro equipo.", portal.entity_name)}</p>
                            {no_case_notice(&portal.open_case)}
                            {case}
                            <ul class="inbox">{items}</ul>
                        }
                            .into_any()
                    }
                })
            }}
        </Suspense>
    }
}

/// One field as an input, with its hint and the places for its messages.
fn field_input(field: &'static Field, values: &Value) -> AnyView {
    let name = field.name;
    let value = &values[name];
    let text = value.as_str().unwrap_or_default().to_owned();
    let hint_id = format!("{name}-hint");
    let described = format!("{hint_id} {name}-error {name}-warning");
    let label_text = field.label;
    let marker = field
        .required
        .then(|| view! { <span class="required" aria-hidden="true">" *"</span> });
    let hint = (!field.hint.is_empty())
        .then(|| view! { <p class="hint" id=hint_id.clone()>{field.hint}</p> });
    let messages = view! {
        <p class="field-error" id=format!("{name}-error") hidden></p>
        <p class="field-warning" id=format!("{name}-warning") hidden></p>
    };
    let input_type = match field.kind {
        Kind::Email => "email",
        Kind::Url => "url",
        Kind::Phone => "tel",
        Kind::Secret => "password",
        _ => "text",
    };
    match field.kind {
        Kind::Text | Kind::Email | Kind::Url | Kind::Phone | Kind::Date | Kind::Secret => {
            let secret_tools = (field.kind == Kind::Secret).then(|| {
                view! {
                    <div class="button-row">
                        <button type="button" class="button button-small" data-generate=name>"Generar"</button>
                        <button type="button" class="button button-small" data-reveal=name aria-pressed="false" aria-controls=name>"Mostrar"</button>
                    </div>
                }
            });
            let date = field.kind == Kind::Date;
            view! {
                <div class="field" data-field=name>
                    <label for=name>{label_text}{marker}</label>
                    {hint}
                    {messages}
                    <input
                        id=name
                        name=name
                        type=input_type
                        value=text
                        aria-describedby=described
                        aria-required=field.required.to_string()
                        autocomplete=field.autocomplete
                        spellcheck="false"
                        inputmode=date.then_some("numeric")
                        placeholder=date.then_some("AAAA-MM-DD")
                    />
                    {secret_tools}
                </div>
            }
            .into_any()
        }
        Kind::Lines => {
            let lines = value
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default();
            view! {
                <div class="field" data-field=name>
                    <label for=name>{label_text}{marker}</label>
                    {hint}
                    {messages}
                    <textarea id=name name=name data-list="" rows="3" aria-describedby=described aria-required=field.required.to_string() spellcheck="false">{lines}</textarea>
                    <Declare name=name.to_owned() kind=Declared::Lines />
                </div>
            }
            .into_any()
        }
        Kind::Choice(_) | Kind::YesNo | Kind::Several { .. } | Kind::Statement => {
            choice_input(field, value, marker, hint, messages, described)
        }
    }
}

fn choice_input(
    field: &'static Field,
    value: &Value,
    marker: Option<impl IntoView + 'static>,
    hint: Option<impl IntoView + 'static>,
    messages: impl IntoView + 'static,
    described: String,
) -> AnyView {
    let name = field.name;
    if field.kind == Kind::Statement {
        return view! {
            <div class="field" data-field=name>
                {hint}
                {messages}
                <div class="radio">
                    <input id=name name=name type="checkbox" checked=value.as_bool().unwrap_or(false) aria-describedby=described />
                    <Declare name=name.to_owned() kind=Declared::Bool />
                    <label for=name>{field.label}</label>
                </div>
            </div>
        }
        .into_any();
    }
    const YES_NO: &[(&str, &str)] = &[("true", "Sí"), ("false", "No")];
    let (options, fixed, several): (&[(&str, &str)], &[&str], bool) = match field.kind {
        Kind::Choice(options) => (options, &[], false),
        Kind::YesNo => (YES_NO, &[], false),
        Kind::Several { options, fixed } => (options, fixed, true),
        _ => (&[], &[], false),
    };
    // Yes/no radios are a boolean and check boxes a list, for a plain post.
    let declared = match field.kind {
        Kind::YesNo => Some(Declared::Bool),
        Kind::Several { .. } => Some(Declared::List),
        _ => None,
    };
    let chosen = |option: &str| match value {
        Value::Array(items) => items.iter().any(|v| v.as_str() == Some(option)),
        Value::Bool(b) => option == if *b { "true" } else { "false" },
        Value::String(s) => s == option,
        _ => false,
    };
    let boxes = options
        .iter()
        .enumerate()
        .map(|(index, (option, label))| {
            let id = if index == 0 { name.to_owned() } else { format!("{name}-{option}") };
            let is_fixed = fixed.contains(option);
            let input = if several && is_fixed {
                view! {
                    <input id=id.clone() type="checkbox" checked disabled />
                    <input type="hidden" name=format!("{name}[]") value=*option />
                }
                .into_any()
            } else if several {
                view! { <input id=id.clone() type="checkbox" name=format!("{name}[]") value=*option checked=chosen(option) /> }.into_any()
            } else {
                view! { <input id=id.clone() type="radio" name=name value=*option checked=chosen(option) /> }.into_any()
            };
            view! {
                <div class="radio">
                    {input}
                    <label for=id>{*label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field choices" data-field=name aria-describedby=described>
            <legend>{field.label}{marker}</legend>
            {hint}
            {messages}
            {declared.map(|kind| view! { <Declare name=name.to_owned() kind /> })}
            {boxes}
        </fieldset>
    }
    .into_any()
}

/// `/portal/{anexo}`
#[component]
pub fn AnnexPage() -> impl IntoView {
    let Some(anexo) = anexo_param() else {
        return view! { <super::not_found::NotFound /> }.into_any();
    };
    let data = Resource::new(move || anexo.slug().to_owned(), load_form_page);
    view! {
        <Title text=anexo.title() />
        <nav class="breadcrumbs" aria-label="Ruta">
            <a href="/portal">"Formularios"</a>
            " / "
            <span aria-current="page">{anexo.title()}</span>
        </nav>
        <h1>{anexo.title()}</h1>
        <p class="lead">{anexo.introduction()}</p>
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || {
                data.get().map(|result| match result {
                    Err(error) => refusal(&error, &format!("/portal/{}", anexo.slug())),
                    Ok(data) => {
                        let values = values_of(&data.draft.form);
                        let returned = data.latest.clone().filter(|s| s.status == SubmissionStatus::Returned).map(|sent| {
                            view! {
                                <div class="notice notice-error" role="region" aria-label="Observaciones de AGETIC">
                                    <p><strong>{format!("AGETIC devolvió la versión {} ({}) con estas observaciones:", sent.version, sent.reference)}</strong></p>
                                    <blockquote>{sent.observations.clone().unwrap_or_default()}</blockquote>
                                    <p>"Corrija lo que piden y vuelva a enviar: se guardará como una versión nueva."</p>
                                </div>
                            }
                        });
                        let sections = anexo
                            .sections()
                            .iter()
                            .map(|section| {
                                let fields = section.fields.iter().map(|f| field_input(f, &values)).collect_view();
                                match section.title {
                                    Some(title) => view! { <section class="form-section"><h2>{title}</h2>{fields}</section> }.into_any(),
                                    None => view! { <div class="form-section">{fields}</div> }.into_any(),
                                }
                            })
                            .collect_view();
                        view! {
                            {returned}
                            {no_case_notice(&data.open_case)}
                            <p class="muted">"Los campos con * son obligatorios. Lo que escribe se guarda solo mientras escribe."</p>
                            <FormAssistant anexo=anexo.slug().to_owned()>
                                {sections}
                                <button type="submit" class="button button-primary">"Revisar respuestas"</button>
                            </FormAssistant>
                        }
                            .into_any()
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// A field's answer in words, for the check-answers page and the document.
fn answer(field: &Field, value: &Value, reveal_secrets: bool) -> String {
    let none = "No indicado".to_owned();
    let label_of = |options: &[(&str, &str)], v: &str| {
        options
            .iter()
            .find(|(id, _)| *id == v)
            .map_or_else(|| v.to_owned(), |(_, l)| (*l).to_owned())
    };
    match (field.kind, value) {
        (Kind::YesNo | Kind::Statement, Value::Bool(b)) => if *b { "Sí" } else { "No" }.to_owned(),
        (Kind::Secret, Value::String(s)) if !s.is_empty() && !reveal_secrets => {
            let tail: String = s
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("•••• {tail} ({} caracteres)", s.chars().count())
        }
        (Kind::Choice(options), Value::String(s)) if !s.is_empty() => label_of(options, s),
        (Kind::Several { options, .. }, Value::Array(items)) if !items.is_empty() => items
            .iter()
            .filter_map(Value::as_str)
            .map(|v| {
                label_of(options, v)
                    .split(':')
                    .next()
                    .unwrap_or(v)
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::Array(items)) if !items.is_empty() => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => none,
    }
}

/// The answers as a list of label and value, with "Cambiar" links when
/// `change` is given.
fn answers(anexo: Anexo, form: &AnyForm, change: bool, reveal_secrets: bool) -> impl IntoView {
    let values = values_of(form);
    anexo
        .sections()
        .iter()
        .map(|section| {
            let rows = section
                .fields
                .iter()
                .map(|field| {
                    let link = change.then(|| {
                        view! {
                            <dd class="answer-change">
                                <a href=format!("/portal/{}#{}", anexo.slug(), field.name)>
                                    "Cambiar" <span class="visually-hidden">{format!(" {}", field.label)}</span>
                                </a>
                            </dd>
                        }
                    });
                    view! {
                        <div class="answer-row" data-answer=field.name>
                            <dt>{field.label}</dt>
                            <dd>{answer(field, &values[field.name], reveal_secrets)}</dd>
                            {link}
                        </div>
                    }
                })
                .collect_view();
            let title = section.title.map(|t| view! { <h2>{t}</h2> });
            view! {
                {title}
                <dl class="answers">{rows}</dl>
            }
        })
        .collect_view()
}

/// `/portal/{anexo}/revisar`
#[component]
pub fn CheckAnswersPage() -> impl IntoView {
    let Some(anexo) = anexo_param() else {
        return view! { <super::not_found::NotFound /> }.into_any();
    };
    let data = Resource::new(move || anexo.slug().to_owned(), load_form_page);
    view! {
        <Title text=format!("Revise sus respuestas · {}", anexo.title()) />
        <nav class="breadcrumbs" aria-label="Ruta">
            <a href="/portal">"Formularios"</a>
            " / "
            <a href=format!("/portal/{}", anexo.slug())>{anexo.title()}</a>
            " / "
            <span aria-current="page">"Revisar"</span>
        </nav>
        <h1>"Revise sus respuestas antes de enviar"</h1>
        <p class="lead">{anexo.title()}</p>
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || {
                data.get().map(|result| match result {
                    Err(error) => refusal(&error, &format!("/portal/{}/revisar", anexo.slug())),
                    Ok(data) => {
                        let errors = (!data.report.valid).then(|| {
                            let items = data
                                .report
                                .errors
                                .iter()
                                .map(|e| view! { <li><a href=format!("/portal/{}#{}", anexo.slug(), e.field)>{e.message.clone()}</a></li> })
                                .collect_view();
                            view! {
                                <div class="error-summary" role="alert">
                                    <h2>"Hay datos por corregir antes de enviar"</h2>
                                    <ul>{items}</ul>
                                </div>
                            }
                        });
                        let send = (data.report.valid && data.open_case.is_some()).then(|| {
                            view! {
                                <h2>"Enviar el formulario"</h2>
                                <p>"Al enviarlo, AGETIC lo recibe en el expediente de su entidad. Lo enviado no se modifica: si hay que corregir algo, se envía una versión nueva."</p>
                                <JsonForm action=format!("/api/v1/forms/{}/submit", anexo.slug()) method="POST".into() done=format!("/portal/{}/enviado", anexo.slug())>
                                    <button type="submit" class="button button-primary">"Enviar formulario"</button>
                                </JsonForm>
                            }
                        });
                        view! {
                            {errors}
                            // What will be sent: trimmed, telephone and CI in their kept forms.
                            {answers(anexo, &data.draft.form.normalised(), true, false)}
                            {no_case_notice(&data.open_case)}
                            {send}
                        }
                            .into_any()
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// `/portal/{anexo}/enviado`
#[component]
pub fn SentPage() -> impl IntoView {
    let Some(anexo) = anexo_param() else {
        return view! { <super::not_found::NotFound /> }.into_any();
    };
    let data = Resource::new(move || anexo.slug().to_owned(), load_form_page);
    view! {
        <Title text=format!("Formulario enviado · {}", anexo.title()) />
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || {
                data.get().map(|result| match result.map(|d| d.latest) {
                    Err(error) => refusal(&error, &format!("/portal/{}/enviado", anexo.slug())),
                    Ok(None) => view! { <p class="notice">"Aún no envió este formulario." " " <a href=format!("/portal/{}", anexo.slug())>"Llenarlo"</a></p> }.into_any(),
                    Ok(Some(sent)) => {
                        let download = matches!(sent.form, AnyForm::Dos(_)).then(|| {
                            view! { <li><a href=format!("/api/v1/submissions/{}/registration", sent.id) download="">"Descargar el registro de cliente (JSON, RFC 7591)"</a></li> }
                        });
                        view! {
                            <div class="confirmation" role="status">
                                <h1>"Formulario enviado"</h1>
                                <p>"Su referencia es"</p>
                                <p class="confirmation-reference" data-reference=sent.reference.clone()>{sent.reference.clone()}</p>
                            </div>
                            <h2>"Qué sucede ahora"</h2>
                            <p>{format!("El Profesional del AIT de AGETIC recibe el formulario en el expediente {} y analiza si se integrará Ciudadanía Digital, la Plataforma de Interoperabilidad o la Pasarela de Pagos. Luego se habilitan los ambientes de prueba en coordinación con su entidad.", sent.case_reference)}</p>
                            <p>"Si hay algo que corregir, AGETIC se lo devolverá con observaciones: las verá en este portal, corregirá y enviará una versión nueva."</p>
                            <ul>
                                <li><a href=format!("/envios/{}", sent.id)>"Ver e imprimir lo enviado"</a></li>
                                {download}
                                <li><a href=format!("/expedientes/{}", sent.case_id)>{format!("Seguir el expediente {}", sent.case_reference)}</a></li>
                                <li><a href="/portal">"Volver a los formularios"</a></li>
                            </ul>
                        }
                            .into_any()
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// `/envios/{id}`: one sent version, laid out to print on A4.
#[component]
pub fn SubmissionPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id")).unwrap_or_default();
    let here = format!("/envios/{id}");
    let data = Resource::new(move || id.clone(), load_submission);
    view! {
        <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
            {move || {
                data.get().map(|result| match result {
                    Err(error) => refusal(&error, &here),
                    Ok(sent) => document(sent),
                })
            }}
        </Suspense>
    }
}

fn document(sent: Submission) -> AnyView {
    let anexo = sent.form.anexo();
    let download = matches!(sent.form, AnyForm::Dos(_)).then(|| {
        view! { <a class="button" href=format!("/api/v1/submissions/{}/registration", sent.id) download="">"Descargar JSON (RFC 7591)"</a> }
    });
    let observations = sent.observations.clone().map(|text| {
        view! {
            <div class="notice notice-error">
                <p><strong>"Devuelto con observaciones"</strong></p>
                <blockquote>{text}</blockquote>
            </div>
        }
    });
    view! {
        <Title text=format!("{} · {}", sent.reference, anexo.title()) />
        <article class="document" data-reference=sent.reference.clone()>
            <header class="document-head">
                <p class="document-kicker">"AGETIC · Manual de procedimientos UGAT-AIT-M06"</p>
                <h1>{anexo.title()}</h1>
                <dl class="facts">
                    <dt>"Referencia"</dt><dd>{sent.reference.clone()}</dd>
                    <dt>"Entidad"</dt><dd>{sent.entity_name.clone()}</dd>
                    <dt>"Expediente"</dt><dd><a href=format!("/expedientes/{}", sent.case_id)>{sent.case_reference.clone()}</a></dd>
                    <dt>"Versión"</dt><dd>{sent.version}</dd>
                    <dt>"Enviado"</dt><dd>{format!("{} por {}", bolivia_time(sent.submitted_at), sent.submitted_by)}</dd>
                    <dt>"Estado"</dt><dd>{status_text(sent.status)}</dd>
                </dl>
            </header>
            {observations}
            {answers(anexo, &sent.form, false, true)}
            <SupportingDocuments case_id=sent.case_id.clone() submission_id=sent.id.clone() />
            <div class="button-row no-print">
                <button type="button" class="button button-primary" onclick="window.print()">"Imprimir"</button>
                {download}
            </div>
        </article>
    }
    .into_any()
}

/// The documents an entity attached to a sent form, and a way to add more.
#[component]
fn SupportingDocuments(case_id: String, submission_id: String) -> impl IntoView {
    let loaded = Resource::new(
        {
            let id = submission_id.clone();
            move || id.clone()
        },
        load_submission_files,
    );
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let case_id = case_id.clone();
                let submission_id = submission_id.clone();
                loaded.get().and_then(Result::ok).map(|(files, may_attach)| {
                    view! { <SupportingFiles case_id submission_id files may_attach /> }
                })
            }}
        </Suspense>
    }
}

#[cfg_attr(feature = "islands-portal", island)]
#[cfg_attr(not(feature = "islands-portal"), component)]
fn SupportingFiles(
    case_id: String,
    submission_id: String,
    files: Vec<FileInfo>,
    may_attach: bool,
) -> impl IntoView {
    let files = RwSignal::new(files);
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let attach = ServerAction::<AttachFiles>::new();
    let reload_id = submission_id.clone();
    follow_answers(attach.value(), problem, move |_| {
        uploads.set(Vec::new());
        done.set(true);
        let id = reload_id.clone();
        leptos::task::spawn_local(async move {
            if let Ok((latest, _)) = load_submission_files(id).await {
                files.set(latest);
            }
        });
    });
    let (case_for_submit, submission_for_submit) = (case_id.clone(), submission_id.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        match uploads.with_untracked(|u| files_to_attach(u)) {
            Ok(ids) => {
                attach.dispatch(AttachFiles {
                    id: case_for_submit.clone(),
                    activity: None,
                    submission: Some(submission_for_submit.clone()),
                    files: ids,
                    comment: None,
                    version: None,
                });
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    let form = may_attach.then(|| {
        view! {
            <form class="form no-print" on:submit=on_submit>
                <FilePicker case_id=case_id.clone() uploads label="Adjuntar documentos de respaldo".to_owned() id="respaldo".to_owned() />
                {move || problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
                {move || done.get().then(|| view! { <p class="notice notice-done" role="status">"Documentos adjuntados al formulario."</p> })}
                <button type="submit" class="button button-primary" disabled=move || attach.pending().get()>"Adjuntar al formulario"</button>
            </form>
        }
    });
    view! {
        <section class="supporting" aria-labelledby="supporting-title">
            <h2 id="supporting-title">"Documentos de respaldo"</h2>
            {move || {
                let list = files.get();
                if list.is_empty() {
                    view! { <p class="muted">"Aún no se adjuntaron documentos a este formulario."</p> }.into_any()
                } else {
                    view! { <AttachedFiles files=list /> }.into_any()
                }
            }}
            {form}
        </section>
    }
}
