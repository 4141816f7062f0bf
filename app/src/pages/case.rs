//! `/expedientes/{id}`: a case on its flowchart, the activities that wait
//! for the reader, and its history; it follows changes made by others.
//!
//! The server draws the whole page, and its forms post as plain HTML to
//! their server functions, so it works before the wasm arrives. In the
//! browser one island, [`CaseLive`], takes over the server's diagram,
//! sends the forms without leaving the page, and when the case changes
//! fetches the page again and takes in what changed: the current
//! activities by key (what the reader is typing stays), the new entries of
//! the history, the status. No view of the case as data travels to the
//! browser.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::session::{error_text, PlainPostProblem, Session};
use crate::accounts::Account;
use crate::accounts::EntityChoice;
use crate::actions::load_case_submissions;
use crate::actions::{
    entities_to_name, load_case_page, AttachFiles, CompleteActivity, DeriveActivity, NameCaseEntity,
};
use crate::cases::{
    forms_received, history_summary, who_with_role, ActiveActivity, CaseView, HistoryEntry,
    LiveCase, Person, NO_FORMS_RECEIVED,
};
use crate::components::detail::ActivityDetail;
use crate::components::flowchart::FlowchartDrawing;
use crate::components::json_form::JsonForm;
use crate::components::uploads::{AttachedFiles, PickerSlot};
use crate::domain::access::Actor;
use crate::domain::calendar::{bolivia_time, now_ms, waited};
use crate::domain::case_input::{MAX_COMMENT, MAX_OBSERVATIONS, MAX_OUTPUT_REFERENCE};
use crate::domain::procedure::{Activity, ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::domain::role::{roles_label, Role};
use crate::forms::SubmissionStatus;
use crate::notifications::{Candidate, Candidates, MAX_REASON};

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let initial = Resource::new(id, load_case_page);
    let to_name = Resource::new(id, entities_to_name);
    let session = Session::get();
    view! {
        <Suspense fallback=|| view! { <p>"Cargando el expediente…"</p> }>
            {move || {
                let account = session.account.get()?.ok().flatten();
                let view = match initial.get()? {
                    Ok((case, candidates)) => {
                        let procedure = procedures::definition(&case.procedure, case.procedure_version).expect("cases hold known procedures");
                        let reviewer = account.as_ref().is_some_and(is_form_reviewer);
                        let case_id = case.id.clone();
                        let naming = to_name
                            .get()
                            .and_then(Result::ok)
                            .filter(|choices| !choices.is_empty())
                            .map(|choices| name_entity_form(&case.id, choices));
                        let reader = Reader::new(account.as_ref());
                        view! {
                            <Title text=case.reference.clone() />
                            <nav class="breadcrumbs" aria-label="Ruta">
                                <a href="/expedientes">"Expedientes"</a>
                                " / "
                                <span aria-current="page">{case.reference.clone()}</span>
                            </nav>
                            <h1><span class="code">{case.reference.clone()}</span> " " {case.title.clone()}</h1>
                            <p class="lead" data-live-part="lead">
                                <a href=format!("/procedimientos/{}", procedure.code)>{format!("{} · {}", procedure.code, procedure.name)}</a>
                                {format!(" · {}", case.entity_names())}
                            </p>
                            <div data-live-part="naming">{naming}</div>
                            <p class="muted case-edition" data-procedure-version=case.procedure_version>
                                {format!(
                                    "Sigue {} versión {} del {} versión {} ({}, de {}), con la que se abrió.",
                                    procedure.printed_code,
                                    procedure.version,
                                    case.manual.code,
                                    case.manual.version,
                                    case.manual.resolution,
                                    case.manual.approved_on,
                                )}
                            </p>
                            <p class="links">
                                <a href=format!("/expedientes/{}/expediente", case.id)>"Hoja de ruta: el expediente completo, para imprimir o archivar"</a>
                            </p>
                            <PlainPostProblem />
                            {case_body(procedure, &case, &reader, &candidates)}
                            <CaseForms case_id reviewer />
                        }
                            .into_any()
                    }
                    Err(error) => {
                        let next = format!("/ingresar?next=/expedientes/{}", id());
                        view! {
                            <Title text="Expediente" />
                            <h1>"Expediente"</h1>
                            <p class="notice notice-error" role="alert">{error_text(&error)}</p>
                            <p><a href=next>"Ingresar"</a> " · " <a href="/expedientes">"Ver los expedientes"</a></p>
                        }
                            .into_any()
                    }
                };
                Some(view)
            }}
        </Suspense>
    }
}

/// Who reads the page, as far as what it offers them depends on it.
struct Reader {
    actor: Option<Actor>,
    /// How the history names them.
    name: Option<String>,
    is_entity: bool,
}

impl Reader {
    fn new(account: Option<&Account>) -> Reader {
        Reader {
            actor: account.map(Account::actor),
            name: account.map(|a| a.name.clone()),
            is_entity: account.is_some_and(Account::is_entity),
        }
    }

    /// Whether the reader may complete `activity` of `case`, which
    /// `assignee` holds, if anyone.
    fn may_complete(
        &self,
        case: &CaseView,
        activity: &Activity,
        assignee: Option<&Person>,
    ) -> bool {
        self.actor.as_ref().is_some_and(|actor| {
            let held_by_other = assignee.is_some_and(|a| Some(&a.id) != actor.person.as_ref());
            !held_by_other && actor.role_for(activity, &case.entity_ids()).is_ok()
        })
    }
}

fn case_body(
    procedure: &'static Procedure,
    case: &CaseView,
    reader: &Reader,
    candidates: &[Candidates],
) -> impl IntoView {
    let live = case.live();
    let (drawn_state, drawn_holders) = (live.state.clone(), live.holders.clone());
    // What the island reads from the page when it fetches it again.
    let live_state = serde_json::to_string(&live).unwrap_or_default();
    let cards = case
        .active
        .iter()
        .map(|active| active_card(procedure, case, active, reader, candidates))
        .collect_view();
    let ending = case.ending.clone().map(|ending| {
        view! { <p class="notice notice-done" role="status">{format!("Expediente cerrado: {ending}")}</p> }
    });
    view! {
        <p class="case-status" data-live-part="status" data-live-state=live_state>
            "Estado: "
            <span class="status" data-status=case.status.as_str()>{case.status.label()}</span>
        </p>
        {reader.is_entity.then(|| plain_summary(procedure, case))}
        <div class="procedure-layout">
            <div class="procedure-diagram">
                <FlowchartDrawing procedure state=drawn_state holders=drawn_holders />
            </div>
            <CaseLive case_id=case.id.clone() live>
                <section class="panel" aria-labelledby="active-title">
                    <h2 id="active-title">"Actividades en curso"</h2>
                    <div role="status" data-news=""></div>
                    <div data-live-part="ending">{ending}</div>
                    <ul class="current-list" data-live-part="active">{cards}</ul>
                </section>
            </CaseLive>
        </div>
        {timeline(procedure, case, reader)}
    }
}

/// The case in plain Spanish, for the entity that asked for it.
fn plain_summary(procedure: &'static Procedure, case: &CaseView) -> impl IntoView {
    let (step, now, yours) = match &case.ending {
        Some(ending) => (
            format!("Su trámite concluyó: {ending}."),
            String::new(),
            String::new(),
        ),
        None => {
            let step = case.active.iter().map(|a| a.number).min().unwrap_or(1);
            let titles = |filter: &dyn Fn(&ActiveActivity) -> bool| {
                case.active
                    .iter()
                    .filter(|a| filter(a))
                    .filter_map(|a| procedure.activity(a.number))
                    .map(|a| a.title.to_lowercase())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let yours = titles(&|a| a.roles.contains(&Role::Entidad));
            (
                format!("Paso {step} de {}.", procedure.activities.len()),
                format!("Ahora: {}.", titles(&|_| true)),
                if yours.is_empty() {
                    "Por ahora AGETIC no espera nada de usted: el trámite está en manos de sus unidades.".into()
                } else {
                    format!("AGETIC espera de usted: {yours}.")
                },
            )
        }
    };
    view! {
        <section class="panel plain-summary" aria-label="Resumen del trámite" data-live-part="summary">
            <p class="plain-step">{step}</p>
            <p>{now}</p>
            <p><strong>{yours}</strong></p>
        </section>
    }
}

fn active_card(
    procedure: &'static Procedure,
    case: &CaseView,
    active: &ActiveActivity,
    reader: &Reader,
    candidates: &[Candidates],
) -> impl IntoView {
    let number = active.number;
    let activity = procedure.activity(number).expect("active activities exist");
    let assignee = active.assignee.as_ref();
    let may_complete = reader.may_complete(case, activity, assignee);
    // A card is kept in the browser, with what is typed in it, while this
    // stays the same; its parts marked live are brought up to date inside
    // it. It is drawn anew when the reader may no longer complete it, or
    // may now.
    let key = format!("{number}:{}:{may_complete}", active.since);
    let holder = match assignee {
        Some(person) => format!("Derivada a {}.", person.name),
        None => "Sin asignar: cualquiera con el rol puede tomarla.".to_owned(),
    };
    let body = if may_complete {
        Either::Right(complete_form(case, activity, active.since, candidates))
    } else {
        let fallback = match assignee {
            Some(person) => format!("La tiene {}.", person.name),
            None => format!("A cargo de: {}.", roles_label(activity.roles)),
        };
        Either::Left(view! { <p class="muted">{fallback}</p> })
    };
    view! {
        <li class="current-item" data-active=number data-since=active.since data-active-key=key data-assignee=assignee.map(|a| a.id.clone())>
            <h3>{format!("Actividad {number} · {}", activity.title)}</h3>
            <p class="muted" data-live-part="waited">{format!("{} · en curso {}", roles_label(activity.roles), waited(active.since, now_ms()))}</p>
            <p class="holder" data-holder="" data-live-part="holder">{holder}</p>
            <div data-live-part="derive">{derive_controls(case, activity, assignee, reader, candidates)}</div>
            {body}
        </li>
    }
}

/// Completing a current activity. Without the wasm it posts as plain HTML
/// to the server function, which answers with the case page again.
fn complete_form(
    case: &CaseView,
    activity: &'static Activity,
    since: i64,
    candidates: &[Candidates],
) -> impl IntoView {
    let number = activity.number;
    let received = activity.receives_forms.then(|| {
        let forms = forms_received(&case.history);
        let list = if forms.is_empty() {
            let input_id = format!("without-forms-{number}");
            Either::Left(view! {
                <div class="notice notice-warning forms-received" data-forms-received="0">
                    <p>{NO_FORMS_RECEIVED}</p>
                    <div class="radio">
                        <input type="checkbox" id=input_id.clone() name="without_forms" value="true" />
                        <label for=input_id>"Confirmo que completo la actividad sin formularios recibidos"</label>
                    </div>
                </div>
            })
        } else {
            let count = forms.len();
            let items = forms
                .into_iter()
                .map(|form| view! { <li>{format!("{} ({})", form.name, form.reference)}</li> })
                .collect_view();
            Either::Right(view! {
                <div class="forms-received" data-forms-received=count>
                    <p>"Formularios recibidos en este expediente:"</p>
                    <ul>{items}</ul>
                </div>
            })
        };
        view! { <div data-live-part="received">{list}</div> }
    });
    let choices = activity.is_decision().then(|| {
        let options = activity
            .next
            .iter()
            .map(|option| {
                let input_id = format!("choice-{number}-{}", option.id);
                view! {
                    <div class="radio">
                        <input type="radio" id=input_id.clone() name="choice" value=option.id />
                        <label for=input_id>{option.label}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <fieldset class="choices">
                <legend>"¿Qué corresponde?"</legend>
                {options}
            </fieldset>
        }
    });
    let next: Vec<ActivityNumber> = activity.successors().collect();
    let derivation = Candidates::for_numbers(candidates, &next).map(|people| {
        let select_id = format!("derive-{number}");
        view! {
            <div class="field">
                <label for=select_id.clone()>"Derivar lo que sigue a (opcional)"</label>
                {candidate_select(
                    select_id,
                    "assignee",
                    "Nadie en particular: a todos los que tienen el rol",
                    people,
                )}
            </div>
        }
    });
    view! {
        <form class="form complete-form" method="post" action=CompleteActivity::url() data-case-form="">
            <input type="hidden" name="id" value=case.id.clone() />
            <input type="hidden" name="number" value=number />
            <input type="hidden" name="version" value=case.version />
            {received}
            {choices}
            <div class="field">
                <label for=format!("reference-{number}")>{format!("Referencia de la salida ({})", activity.output)}</label>
                <input id=format!("reference-{number}") name="output_reference" type="text" maxlength=MAX_OUTPUT_REFERENCE placeholder="Por ejemplo, NI-AGETIC-123/2026" />
            </div>
            <PickerSlot
                case_id=case.id.clone()
                label=format!("Archivos de la salida (opcional): {}", activity.output)
                id=format!("{number}-{since}")
            />
            <div class="field">
                <label for=format!("comment-{number}")>"Comentario (opcional)"</label>
                <textarea id=format!("comment-{number}") name="comment" maxlength=MAX_COMMENT rows="2"></textarea>
            </div>
            {derivation}
            <button type="submit" class="button button-primary">{format!("Completar actividad {number}")}</button>
        </form>
    }
}

/// A choice among `people`, or nobody (`placeholder`, an empty value).
fn candidate_select(
    id: String,
    name: &'static str,
    placeholder: &'static str,
    people: Vec<Candidate>,
) -> impl IntoView {
    let options = people
        .into_iter()
        .map(|person| view! { <option value=person.id>{person.name}</option> })
        .collect_view();
    view! {
        <select id=id name=name>
            <option value="">{placeholder}</option>
            {options}
        </select>
    }
}

/// Taking, releasing and (for the heads) deriving a current activity.
fn derive_controls(
    case: &CaseView,
    activity: &'static Activity,
    assignee: Option<&Person>,
    reader: &Reader,
    candidates: &[Candidates],
) -> Option<impl IntoView> {
    let actor = reader.actor.as_ref()?;
    let number = activity.number;
    let holds_role = actor.may_hold(activity, &case.entity_ids());
    let mine = assignee.is_some_and(|a| Some(&a.id) == actor.person.as_ref());
    let head = actor.reassigns();
    let reassigning = assignee.is_some();
    let fields = |action: &'static str| {
        view! {
            <input type="hidden" name="id" value=case.id.clone() />
            <input type="hidden" name="number" value=number />
            <input type="hidden" name="version" value=case.version />
            <input type="hidden" name="action" value=action />
        }
    };
    let button_form = |action: &'static str, label: &'static str| {
        view! {
            <form class="inline-form derive-button" method="post" action=DeriveActivity::url() data-case-form="">
                {fields(action)}
                <button type="submit" class="button button-small">{label}</button>
            </form>
        }
    };
    let editor = Candidates::for_numbers(candidates, &[number]).map(|people| {
        let select_id = format!("assign-{number}");
        view! {
            <details class="derive-editor">
                <summary class="button button-small">{if reassigning { "Reasignar" } else { "Derivar a…" }}</summary>
                <form class="form" method="post" action=DeriveActivity::url() data-case-form="">
                    {fields("assign")}
                    <div class="field">
                        <label for=select_id.clone()>"Persona"</label>
                        {candidate_select(select_id, "user_id", "Elija…", people)}
                    </div>
                    <div class="field">
                        <label for=format!("reason-{number}")>{if reassigning { "Motivo de la reasignación" } else { "Motivo (opcional)" }}</label>
                        <input id=format!("reason-{number}") name="reason" type="text" maxlength=MAX_REASON required=reassigning />
                    </div>
                    <button type="submit" class="button button-primary">"Derivar"</button>
                </form>
            </details>
        }
    });
    Some(view! {
        <div class="derive-controls">
            {(!reassigning && holds_role).then(|| button_form("take", "Tomar"))}
            {(reassigning && (mine || head)).then(|| button_form("release", "Liberar"))}
            {editor}
        </div>
    })
}

fn timeline(procedure: &'static Procedure, case: &CaseView, reader: &Reader) -> impl IntoView {
    let entries = case
        .history
        .iter()
        .rev()
        .map(|entry| timeline_entry(procedure, case, entry, reader))
        .collect_view();
    view! {
        <section class="steps" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Historial"</h2>
            <ol class="timeline" data-live-part="timeline">{entries}</ol>
        </section>
    }
}

fn timeline_entry(
    procedure: &'static Procedure,
    case: &CaseView,
    entry: &HistoryEntry,
    reader: &Reader,
) -> impl IntoView {
    let files =
        (!entry.files.is_empty()).then(|| view! { <AttachedFiles files=entry.files.clone() /> });
    // Files may be added after the fact to a completion of an activity the
    // reader may complete.
    let correction = entry
        .activity
        .filter(|_| entry.event.is_none())
        .and_then(|n| procedure.activity(n))
        .filter(|activity| {
            reader
                .actor
                .as_ref()
                .is_some_and(|actor| actor.role_for(activity, &case.entity_ids()).is_ok())
        })
        .map(|activity| correction_form(&case.id, activity.number, entry.version));
    let mine = reader.name.as_deref() == Some(entry.user.as_str());
    let completed = entry.activity.filter(|_| entry.event.is_none());
    view! {
        <li data-version=entry.version data-completed=completed data-mine=mine.then_some("")>
            <p class="timeline-head">{format!("{} · {}", bolivia_time(entry.at), who_with_role(&entry.user, entry.role))}</p>
            <p>{history_summary(procedure, entry)}</p>
            {entry.comment.clone().map(|c| view! { <blockquote>{c}</blockquote> })}
            {files}
            {correction}
        </li>
    }
}

/// Files added to a completed activity after the fact: the first ones stay,
/// the correction is a new entry of the history.
fn correction_form(case_id: &str, number: ActivityNumber, version: i64) -> impl IntoView {
    view! {
        <details class="correction">
            <summary class="button button-small">"Adjuntar una corrección"</summary>
            <form class="form correction-form" method="post" action=AttachFiles::url() data-case-form="" data-files-required="">
                <input type="hidden" name="id" value=case_id.to_owned() />
                <input type="hidden" name="activity" value=number />
                <PickerSlot
                    case_id=case_id.to_owned()
                    label=format!("Archivos que corrigen o completan la salida de la actividad {number}")
                    id=format!("correction-{version}")
                />
                <div class="field">
                    <label for=format!("correction-comment-{version}")>"Qué corrige (opcional)"</label>
                    <textarea id=format!("correction-comment-{version}") name="comment" maxlength=MAX_COMMENT rows="2"></textarea>
                </div>
                <button type="submit" class="button button-primary">"Adjuntar al historial"</button>
            </form>
        </details>
    }
}

/// Beside the case's diagram, the current activities (the server draws
/// them: `children`) and the detail of the activity chosen on the diagram.
/// In the browser it takes over the server's diagram, follows the case and
/// sends the page's case forms (see the module's documentation).
#[cfg_attr(feature = "islands-case", island)]
#[cfg_attr(not(feature = "islands-case"), component)]
fn CaseLive(case_id: String, live: LiveCase, children: Children) -> impl IntoView {
    let procedure = procedures::definition(&live.procedure, live.procedure_version)
        .expect("cases hold known procedures");
    let selected = RwSignal::new(None::<ActivityNumber>);
    #[cfg(feature = "hydrate")]
    {
        let shown = RwSignal::new(live);
        let state = Signal::derive(move || Some(shown.with(|l| l.state.clone())));
        let holders = Signal::derive(move || shown.with(|l| l.holders.clone()));
        crate::components::flowchart::enliven(procedure, state, selected, Some(holders));
        Effect::new(move || in_browser::follow(&case_id, shown));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (&case_id, live);
    view! {
        <aside class="procedure-side">
            {children()}
            <ActivityDetail procedure selected />
        </aside>
    }
}

#[cfg(feature = "hydrate")]
mod in_browser {
    use std::rc::Rc;

    use leptos::prelude::*;
    use leptos::server_fn::error::FromServerFnError;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    use super::error_text;
    use crate::cases::LiveCase;
    use crate::components::uploads::{enliven_pickers, files_to_attach, picked, ready_ids};
    use crate::components::{browser, live};

    /// What a case form says when it is sent without a choice where the
    /// activity is a decision.
    const CHOOSE_FIRST: &str = "Elija qué corresponde antes de completar la actividad.";

    /// Follows the case's changes and sends the page's case forms, for as
    /// long as the page is open.
    pub fn follow(case_id: &str, shown: RwSignal<LiveCase>) {
        // One fetch of the page at a time, and at once: the reader waits
        // for what they just sent.
        let refresh = live::one_at_a_time(0, move || catch_up(shown));
        enliven_pickers();
        listen_for_forms(refresh.clone());
        let url = format!("/api/v1/cases/{}/events", id_for_stream(case_id));
        live::follow(
            &url,
            Rc::new(move |version: Option<i64>| {
                if version.is_none_or(|v| v > shown.with_untracked(|l| l.version)) {
                    refresh();
                }
            }),
        );
    }

    /// A case id as a path segment: ids are hex, anything else is dropped.
    fn id_for_stream(id: &str) -> String {
        id.chars().filter(char::is_ascii_alphanumeric).collect()
    }

    /// Takes in the page as it is now, if it shows a newer version of the
    /// case.
    async fn catch_up(shown: RwSignal<LiveCase>) {
        let path = window().location().pathname().unwrap_or_default();
        let Some(fresh) = browser::fetch_document(&path).await else {
            return;
        };
        let latest = fresh
            .query_selector("[data-live-state]")
            .ok()
            .flatten()
            .and_then(|element| element.get_attribute("data-live-state"))
            .and_then(|json| serde_json::from_str::<LiveCase>(&json).ok());
        // A slow answer must not undo a newer one.
        let Some(latest) = latest.filter(|l| l.version > shown.with_untracked(|s| s.version))
        else {
            return;
        };
        for part in ["lead", "naming", "status", "summary", "ending"] {
            browser::replace_part(&fresh, part);
        }
        let gone = browser::merge_keyed(&fresh, "active", "data-active-key");
        let added = browser::prepend_new(&fresh, "timeline", "data-version");
        stand_on_version(latest.version);
        tell_what_others_did(&gone, &added);
        enliven_pickers();
        shown.set(latest);
    }

    /// The forms kept on the page send the version of the case they now
    /// stand on.
    fn stand_on_version(version: i64) {
        for field in browser::elements_on_page("[data-case-form] input[name=version]") {
            let _ = field.set_attribute("value", &version.to_string());
        }
    }

    /// Tells the reader which current activities went because someone else
    /// completed them.
    fn tell_what_others_did(gone: &[web_sys::Element], added: &[web_sys::Element]) {
        let here = document();
        let completed_by_others = |number: &String| {
            added.iter().any(|entry| {
                entry.get_attribute("data-completed").as_ref() == Some(number)
                    && !entry.has_attribute("data-mine")
            })
        };
        // The same activity, current since the same moment, drawn anew.
        let still_current = |card: &web_sys::Element| {
            let (number, since) = (
                card.get_attribute("data-active").unwrap_or_default(),
                card.get_attribute("data-since").unwrap_or_default(),
            );
            here.query_selector(&format!(
                "[data-active=\"{number}\"][data-since=\"{since}\"]"
            ))
            .ok()
            .flatten()
            .is_some()
        };
        let mut taken: Vec<String> = gone
            .iter()
            .filter(|card| !still_current(card))
            .filter_map(|card| card.get_attribute("data-active"))
            .filter(completed_by_others)
            .collect();
        taken.dedup();
        let Some(last) = taken.pop() else {
            return;
        };
        let which = if taken.is_empty() {
            format!("la actividad {last}")
        } else {
            format!("las actividades {} y {last}", taken.join(", "))
        };
        // Written into a status region that is already on the page, so
        // that screen readers announce it.
        if let (Ok(Some(news)), Ok(notice)) =
            (here.query_selector("[data-news]"), here.create_element("p"))
        {
            notice.set_class_name("notice");
            notice.set_text_content(Some(&format!(
                "Otra persona completó {which} mientras usted veía el expediente; el historial lo muestra."
            )));
            news.replace_children_with_node_1(&notice);
        }
    }

    fn listen_for_forms(refresh: Rc<dyn Fn()>) {
        let on_submit = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
                .filter(|form| form.has_attribute("data-case-form"))
            else {
                return;
            };
            event.prevent_default();
            send(form, refresh.clone());
        });
        let _ = document()
            .add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        // Listens for as long as the page is open.
        on_submit.forget();
    }

    /// Sends a case form to its server function, with the files its picker
    /// uploaded, and takes in the page as it then is.
    fn send(form: web_sys::HtmlFormElement, refresh: Rc<dyn Fn()>) {
        let has = |selector: &str| form.query_selector(selector).ok().flatten().is_some();
        if has("input[name=choice]") && !has("input[name=choice]:checked") {
            show_problem(&form, Some(CHOOSE_FIRST));
            return;
        }
        let Ok(fields) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        let uploads = form
            .query_selector("[data-file-picker]")
            .ok()
            .flatten()
            .and_then(|slot| slot.get_attribute("data-file-picker"))
            .and_then(|slot| picked(&slot));
        if let Some(uploads) = uploads {
            let files = if form.has_attribute("data-files-required") {
                uploads.with_untracked(|u| files_to_attach(u))
            } else {
                uploads.with_untracked(|u| ready_ids(u))
            };
            match files {
                Ok(ids) => {
                    for (index, id) in ids.iter().enumerate() {
                        let _ = fields.append_with_str(&format!("files[{index}]"), id);
                    }
                }
                Err(problem) => {
                    show_problem(&form, Some(&problem));
                    return;
                }
            }
        }
        set_busy(&form, true);
        leptos::task::spawn_local(async move {
            let answer = browser::post_form(&form.action(), &fields).await;
            set_busy(&form, false);
            match answer {
                Ok(()) => {
                    show_problem(&form, None);
                    // Done with: the page may now bring this form's part
                    // up to date.
                    if let Some(focused) = document()
                        .active_element()
                        .filter(|f| form.contains(Some(f)))
                        .and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = focused.blur();
                    }
                    form.reset();
                    if let Some(uploads) = uploads {
                        uploads.set(Vec::new());
                    }
                    if let Ok(Some(details)) = form.closest("details") {
                        let _ = details.remove_attribute("open");
                    }
                    refresh();
                }
                Err(refusal) => {
                    let error = match refusal {
                        Some(body) => ServerFnError::de(body.into()),
                        None => ServerFnError::Request("unreachable".into()),
                    };
                    show_problem(&form, Some(&error_text(&error)));
                    // A refusal may come from a change the page has not
                    // taken in yet (a stale version): it catches up.
                    refresh();
                }
            }
        });
    }

    /// Shows what was refused just above the form's button; `None` clears
    /// it.
    fn show_problem(form: &web_sys::HtmlFormElement, message: Option<&str>) {
        let shown = form
            .query_selector(":scope > [data-problem]")
            .ok()
            .flatten();
        let Some(message) = message else {
            if let Some(shown) = shown {
                shown.remove();
            }
            return;
        };
        let notice = shown.or_else(|| {
            let notice = document().create_element("p").ok()?;
            notice.set_class_name("notice notice-error");
            notice.set_attribute("role", "alert").ok()?;
            notice.set_attribute("data-problem", "").ok()?;
            let button = form
                .query_selector(":scope > button[type=submit]")
                .ok()
                .flatten();
            form.insert_before(&notice, button.as_ref().map(|b| b.unchecked_ref()))
                .ok()?;
            Some(notice)
        });
        if let Some(notice) = notice {
            notice.set_text_content(Some(message));
        }
    }

    fn set_busy(form: &web_sys::HtmlFormElement, busy: bool) {
        let _ = form.set_attribute("aria-busy", if busy { "true" } else { "false" });
        if let Ok(Some(button)) = form.query_selector("button[type=submit]") {
            let _ = button.toggle_attribute_with_force("disabled", busy);
        }
    }
}

/// For the staff of a PR09 case: names one more entity it concerns, as the
/// analysis finds them ("la(s) entidad(es) correspondiente(s)").
fn name_entity_form(case_id: &str, choices: Vec<EntityChoice>) -> impl IntoView {
    let options = choices
        .into_iter()
        .map(|e| view! { <option value=e.id>{e.name}</option> })
        .collect_view();
    view! {
        <details class="panel name-entity">
            <summary>"Añadir una entidad a la que concierne"</summary>
            <form class="form" method="post" action=NameCaseEntity::url() data-case-form="">
                <input type="hidden" name="case_id" value=case_id.to_owned() />
                <div class="field">
                    <label for="name-entity">"Entidad"</label>
                    <select id="name-entity" name="entity_id">{options}</select>
                </div>
                <button type="submit" class="button">"Añadir al expediente"</button>
            </form>
        </details>
    }
}

fn is_form_reviewer(account: &Account) -> bool {
    account.actor().form_reviewer_role().is_some()
}

/// The request forms the entity sent into this case, every version, and for
/// AGETIC's reviewers a way to return one with observations.
#[component]
fn CaseForms(case_id: String, reviewer: bool) -> impl IntoView {
    let here = format!("/expedientes/{case_id}");
    let sent = Resource::new(move || case_id.clone(), load_case_submissions);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let here = here.clone();
                sent.get().and_then(Result::ok).filter(|list| !list.is_empty()).map(|list| {
                    let items = list
                        .into_iter()
                        .map(|s| {
                            let anexo = s.form.anexo();
                            let returning = (reviewer && s.status == SubmissionStatus::Submitted).then(|| {
                                let field = format!("observations-{}", s.id);
                                view! {
                                    <details class="access-editor">
                                        <summary class="button button-small">"Devolver con observaciones"</summary>
                                        <JsonForm action=format!("/api/v1/submissions/{}/return", s.id) method="POST".into() done=here.clone()>
                                            <div class="field">
                                                <label for=field.clone()>"Observaciones para la entidad"</label>
                                                <textarea id=field name="observations" required maxlength=MAX_OBSERVATIONS rows="3"></textarea>
                                            </div>
                                            <button type="submit" class="button button-primary">"Devolver a la entidad"</button>
                                        </JsonForm>
                                    </details>
                                }
                            });
                            let status = match s.status {
                                SubmissionStatus::Submitted => "Recibido",
                                SubmissionStatus::Returned => "Devuelto con observaciones",
                            };
                            view! {
                                <li class="inbox-item" data-submission=s.reference.clone()>
                                    <a href=format!("/envios/{}", s.id)>{format!("{} · versión {}", anexo.title(), s.version)}</a>
                                    <p class="muted">{format!("{} · {} · {} · {}", s.reference, status, bolivia_time(s.submitted_at), s.submitted_by)}</p>
                                    {s.observations.map(|o| view! { <blockquote>{o}</blockquote> })}
                                    {returning}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="steps case-forms" aria-labelledby="forms-title">
                            <h2 id="forms-title">"Formularios de la entidad"</h2>
                            <ul class="inbox">{items}</ul>
                        </section>
                    }
                })
            }}
        </Suspense>
    }
}
