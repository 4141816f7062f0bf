//! `/expedientes/{id}`: a case on its flowchart, the activities that wait
//! for the reader, and its history; it follows changes made by others.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::session::{error_text, follow_answers, PlainPostProblem, Session};
use crate::accounts::Account;
use crate::accounts::EntityChoice;
use crate::actions::load_case_submissions;
use crate::actions::{
    derivation_candidates, entities_to_name, load_case, AttachFiles, CompleteActivity,
    DeriveActivity, NameCaseEntity,
};
use crate::cases::{
    forms_received, history_summary, who_with_role, ActiveActivity, CaseView, Person,
    NO_FORMS_RECEIVED,
};
use crate::components::detail::ActivityDetail;
use crate::components::flowchart::Flowchart;
use crate::components::json_form::JsonForm;
use crate::components::uploads::{files_to_attach, ready_ids, AttachedFiles, FilePicker, Upload};
use crate::domain::access::Actor;
use crate::domain::calendar::{bolivia_time, waited};
use crate::domain::case_input::{MAX_COMMENT, MAX_OBSERVATIONS, MAX_OUTPUT_REFERENCE};
use crate::domain::derivation::derives;
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::domain::role::{roles_label, Role};
use crate::forms::SubmissionStatus;
use crate::notifications::{Candidate, MAX_REASON};

/// A case id as a path segment: ids are hex, anything else is dropped.
#[cfg(feature = "hydrate")]
fn id_for_stream(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let initial = Resource::new(id, load_case);
    let to_name = Resource::new(id, entities_to_name);
    let session = Session::get();
    view! {
        <Suspense fallback=|| view! { <p>"Cargando el expediente…"</p> }>
            {move || {
                let account = session.account.get()?.ok().flatten();
                let view = match initial.get()? {
                    Ok(case) => {
                        let procedure = procedures::definition(&case.procedure, case.procedure_version).expect("cases hold known procedures");
                        let reviewer = account.as_ref().is_some_and(is_form_reviewer);
                        let case_id = case.id.clone();
                        let naming = to_name
                            .get()
                            .and_then(Result::ok)
                            .filter(|choices| !choices.is_empty())
                            .map(|choices| view! { <NameEntityForm case_id=case.id.clone() choices /> });
                        view! {
                            <Title text=case.reference.clone() />
                            <nav class="breadcrumbs" aria-label="Ruta">
                                <a href="/expedientes">"Expedientes"</a>
                                " / "
                                <span aria-current="page">{case.reference.clone()}</span>
                            </nav>
                            <h1><span class="code">{case.reference.clone()}</span> " " {case.title.clone()}</h1>
                            <p class="lead">
                                <a href=format!("/procedimientos/{}", procedure.code)>{format!("{} · {}", procedure.code, procedure.name)}</a>
                                {format!(" · {}", case.entity_names())}
                            </p>
                            {naming}
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
                            <CaseBody initial=case account />
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

/// For the staff of a PR09 case: names one more entity it concerns, as the
/// analysis finds them ("la(s) entidad(es) correspondiente(s)").
#[cfg_attr(feature = "islands-case", island)]
#[cfg_attr(not(feature = "islands-case"), component)]
fn NameEntityForm(case_id: String, choices: Vec<EntityChoice>) -> impl IntoView {
    let name = ServerAction::<NameCaseEntity>::new();
    Effect::new(move || {
        if let Some(Ok(())) = name.value().get() {
            let _ = window().location().reload();
        }
    });
    let error = move || {
        name.value()
            .get()
            .and_then(Result::err)
            .map(|e| error_text(&e))
    };
    let options = choices
        .into_iter()
        .map(|e| view! { <option value=e.id>{e.name}</option> })
        .collect_view();
    let entity = NodeRef::<leptos::html::Select>::new();
    // Without the wasm the form posts as plain HTML to the server function,
    // which answers with the case page again.
    let on_submit = {
        let case_id = case_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if let Some(select) = entity.get_untracked() {
                name.dispatch(NameCaseEntity {
                    case_id: case_id.clone(),
                    entity_id: select.value(),
                });
            }
        }
    };
    view! {
        <details class="panel name-entity">
            <summary>"Añadir una entidad a la que concierne"</summary>
            {move || error().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <form class="form" method="post" action=NameCaseEntity::url() on:submit=on_submit>
                <input type="hidden" name="case_id" value=case_id />
                <div class="field">
                    <label for="name-entity">"Entidad"</label>
                    <select id="name-entity" name="entity_id" node_ref=entity>{options}</select>
                </div>
                <button type="submit" class="button" disabled=move || name.pending().get()>"Añadir al expediente"</button>
            </form>
        </details>
    }
}

/// The live part of the case page, hydrated in the browser.
#[cfg_attr(feature = "islands-case", island)]
#[cfg_attr(not(feature = "islands-case"), component)]
fn CaseBody(initial: CaseView, account: Option<Account>) -> impl IntoView {
    let procedure = procedures::definition(&initial.procedure, initial.procedure_version)
        .expect("cases hold known procedures");
    let id = initial.id.clone();
    let case = RwSignal::new(initial);
    // What someone else did to the case while it was open here.
    let news = RwSignal::new(None::<String>);
    let me = account.as_ref().map(|a| a.name.clone());
    // Accept only newer versions: a slow answer must not undo a newer one.
    let offer = move |latest: CaseView| {
        let (version, before) = case.with_untracked(|c| (c.version, c.active.clone()));
        if latest.version <= version {
            return;
        }
        let taken: Vec<_> = before
            .iter()
            .filter(|a| {
                !latest
                    .active
                    .iter()
                    .any(|now| now.number == a.number && now.since == a.since)
            })
            .filter(|a| {
                latest.history.iter().any(|h| {
                    h.version > version
                        && h.activity == Some(a.number)
                        && Some(&h.user) != me.as_ref()
                })
            })
            .map(|a| a.number.to_string())
            .collect();
        if !taken.is_empty() {
            news.set(Some(format!(
                "Otra persona completó la actividad {} mientras usted veía el expediente; el historial lo muestra.",
                taken.join(", ")
            )));
        }
        case.set(latest);
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        let url = format!("/api/v1/cases/{}/events", id_for_stream(&id));
        let id = id.clone();
        let offer = offer.clone();
        let refetch = std::rc::Rc::new(move |version: Option<i64>| {
            if version.is_some_and(|v| v <= case.with_untracked(|c| c.version)) {
                return;
            }
            let id = id.clone();
            let offer = offer.clone();
            leptos::task::spawn_local(async move {
                if let Ok(latest) = load_case(id).await {
                    offer(latest);
                }
            });
        });
        crate::components::live::follow(&url, refetch);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (&id, &offer);

    let is_entity = account.as_ref().is_some_and(Account::is_entity);
    let actor = Signal::stored(account.as_ref().map(|a| (a.actor(), a.is_entity())));
    let selected = RwSignal::new(None::<ActivityNumber>);
    let diagram = Signal::derive(move || Some(case.with(CaseView::diagram_state)));
    let holders = Signal::derive(move || {
        case.with(|c| {
            c.active
                .iter()
                .filter_map(|a| a.assignee.as_ref().map(|p| (a.number, p.name.clone())))
                .collect::<Vec<_>>()
        })
    });
    let status = move || case.with(|c| c.status.label());

    view! {
        <p class="case-status">
            "Estado: "
            <span class="status" data-status=move || case.with(|c| c.status.as_str())>{status}</span>
        </p>
        {is_entity.then(|| view! { <PlainSummary procedure case /> })}
        <div class="procedure-layout">
            <div class="procedure-diagram">
                <Flowchart procedure state=diagram selected holders />
            </div>
            <aside class="procedure-side">
                <section class="panel" aria-labelledby="active-title">
                    <h2 id="active-title">"Actividades en curso"</h2>
                    {move || news.get().map(|text| view! { <p class="notice" role="status" data-news="">{text}</p> })}
                    {move || case.with(|c| c.ending.clone()).map(|ending| view! {
                        <p class="notice notice-done" role="status">{format!("Expediente cerrado: {ending}")}</p>
                    })}
                    <ul class="current-list">
                        <For each=move || case.with(|c| c.active.clone()) key=|a| (a.number, a.since) let:active>
                            <ActiveCard procedure case active actor />
                        </For>
                    </ul>
                </section>
                <ActivityDetail procedure selected />
            </aside>
        </div>
        <Timeline procedure case actor />
    }
}

/// The case in plain Spanish, for the entity that asked for it.
#[component]
fn PlainSummary(procedure: &'static Procedure, case: RwSignal<CaseView>) -> impl IntoView {
    let total = procedure.activities.len();
    let summary = move || {
        case.with(|c| {
            if let Some(ending) = &c.ending {
                return (format!("Su trámite concluyó: {ending}."), String::new(), String::new());
            }
            let step = c.active.iter().map(|a| a.number).min().unwrap_or(1);
            let titles = |filter: &dyn Fn(&ActiveActivity) -> bool| {
                c.active
                    .iter()
                    .filter(|a| filter(a))
                    .filter_map(|a| procedure.activity(a.number))
                    .map(|a| a.title.to_lowercase())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let now = titles(&|_| true);
            let yours = titles(&|a| a.roles.contains(&Role::Entidad));
            (
                format!("Paso {step} de {total}."),
                format!("Ahora: {now}."),
                if yours.is_empty() {
                    "Por ahora AGETIC no espera nada de usted: el trámite está en manos de sus unidades.".into()
                } else {
                    format!("AGETIC espera de usted: {yours}.")
                },
            )
        })
    };
    view! {
        <section class="panel plain-summary" aria-label="Resumen del trámite">
            <p class="plain-step">{move || summary().0}</p>
            <p>{move || summary().1}</p>
            <p><strong>{move || summary().2}</strong></p>
        </section>
    }
}

#[component]
fn ActiveCard(
    procedure: &'static Procedure,
    case: RwSignal<CaseView>,
    active: ActiveActivity,
    actor: Signal<Option<(Actor, bool)>>,
) -> impl IntoView {
    let number = active.number;
    let activity = procedure.activity(number).expect("active activities exist");
    let assignee = active.assignee.clone();
    let held_by_other = {
        let assignee = assignee.clone();
        move || {
            let me = actor.get().and_then(|(actor, _)| actor.person);
            assignee
                .as_ref()
                .is_some_and(|a| Some(&a.id) != me.as_ref())
        }
    };
    // A memo, so that the form is drawn again only when the answer changes
    // (what was typed in it stays).
    let may_complete = Memo::new(move |_| {
        !held_by_other()
            && actor.get().is_some_and(|(actor, _)| {
                case.with(|c| actor.role_for(activity, &c.entity_ids()).is_ok())
            })
    });
    let derives_next = derives(activity);
    let derive_to = RwSignal::new(String::new());
    let choice = RwSignal::new(String::new());
    let reference = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let without_forms = RwSignal::new(false);
    let no_forms =
        move || activity.receives_forms && case.with(|c| forms_received(&c.history).is_empty());
    let complete = ServerAction::<CompleteActivity>::new();
    follow_answers(complete.value(), problem, move |latest| {
        uploads.set(Vec::new());
        adopt_newer(case, latest);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if activity.is_decision() && choice.with_untracked(String::is_empty) {
            problem.set(Some(
                "Elija qué corresponde antes de completar la actividad.".into(),
            ));
            return;
        }
        if reference.with_untracked(|r| r.trim().is_empty()) {
            problem.set(Some(format!(
                "Indique la referencia de la salida: {}.",
                activity.output
            )));
            return;
        }
        if no_forms() && !without_forms.get_untracked() {
            problem.set(Some(NO_FORMS_RECEIVED.into()));
            return;
        }
        let files = match uploads.with_untracked(|u| ready_ids(u)) {
            Ok(files) => files,
            Err(message) => {
                problem.set(Some(message));
                return;
            }
        };
        complete.dispatch(CompleteActivity {
            id: case.with_untracked(|c| c.id.clone()),
            number,
            choice: Some(choice.get_untracked()).filter(|c| !c.is_empty()),
            output_reference: reference.get_untracked(),
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
            version: case.with_untracked(|c| c.version),
            files,
            assignee: Some(derive_to.get_untracked()).filter(|a| !a.is_empty()),
            without_forms: without_forms.get_untracked(),
        });
    };
    let received = move || {
        activity.receives_forms.then(|| {
            let forms = case.with(|c| forms_received(&c.history));
            if forms.is_empty() {
                let input_id = format!("without-forms-{number}");
                Either::Left(view! {
                    <div class="notice notice-warning forms-received" data-forms-received="0">
                        <p>{NO_FORMS_RECEIVED}</p>
                        <div class="radio">
                            <input type="checkbox" id=input_id.clone() name="without_forms" value="true" bind:checked=without_forms />
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
            }
        })
    };
    let choices = move || {
        activity.is_decision().then(|| {
            let options = activity
                .next
                .iter()
                .map(|option| {
                    let input_id = format!("choice-{number}-{}", option.id);
                    view! {
                        <div class="radio">
                            <input
                                type="radio"
                                id=input_id.clone()
                                name="choice"
                                value=option.id
                                on:change=move |_| choice.set(option.id.to_owned())
                            />
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
        })
    };
    let since = active.since;
    let holder = match &assignee {
        Some(person) => format!("Derivada a {}.", person.name),
        None => "Sin asignar: cualquiera con el rol puede tomarla.".to_owned(),
    };
    let next_numbers: Vec<ActivityNumber> = activity
        .next
        .iter()
        .flat_map(|choice| choice.leads_to.iter().copied())
        .collect();
    let derivation_choice = move || {
        derives_next.then(|| {
            view! { <DeriveNext case next=next_numbers.clone() chosen=derive_to id=number /> }
        })
    };
    let fallback_text = match &assignee {
        Some(person) => format!("La tiene {}.", person.name),
        None => format!("A cargo de: {}.", roles_label(activity.roles)),
    };
    view! {
        <li class="current-item" data-active=number data-assignee=assignee.as_ref().map(|a| a.id.clone())>
            <h3>{format!("Actividad {number} · {}", activity.title)}</h3>
            <p class="muted">{format!("{} · en curso {}", roles_label(activity.roles), waited(since, crate::domain::calendar::now_ms()))}</p>
            <p class="holder" data-holder="">{holder}</p>
            <DeriveControls case number assignee=assignee.clone() actor />
            {move || {
                if !may_complete.get() {
                    return Either::Left(view! { <p class="muted">{fallback_text.clone()}</p> });
                }
                // Without the wasm the form posts as plain HTML to the server
                // function, which answers with the case page again.
                Either::Right(view! {
                    <form class="form complete-form" method="post" action=CompleteActivity::url() on:submit=on_submit>
                        <input type="hidden" name="id" value=case.with_untracked(|c| c.id.clone()) />
                        <input type="hidden" name="number" value=number />
                        <input type="hidden" name="version" value=move || case.with(|c| c.version) />
                        {received}
                        {choices}
                        <div class="field">
                            <label for=format!("reference-{number}")>{format!("Referencia de la salida ({})", activity.output)}</label>
                            <input id=format!("reference-{number}") name="output_reference" type="text" bind:value=reference maxlength=MAX_OUTPUT_REFERENCE placeholder="Por ejemplo, NI-AGETIC-123/2026" />
                        </div>
                        <FilePicker
                            case_id=case.with_untracked(|c| c.id.clone())
                            uploads
                            label=format!("Archivos de la salida (opcional): {}", activity.output)
                            id=number.to_string()
                        />
                        <div class="field">
                            <label for=format!("comment-{number}")>"Comentario (opcional)"</label>
                            <textarea id=format!("comment-{number}") name="comment" bind:value=comment maxlength=MAX_COMMENT rows="2"></textarea>
                        </div>
                        {derivation_choice.clone()}
                        {move || problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
                        <button type="submit" class="button button-primary" disabled=move || complete.pending().get()>
                            {format!("Completar actividad {number}")}
                        </button>
                    </form>
                })
            }}
        </li>
    }
}

#[component]
fn Timeline(
    procedure: &'static Procedure,
    case: RwSignal<CaseView>,
    actor: Signal<Option<(Actor, bool)>>,
) -> impl IntoView {
    let entries = move || {
        case.with(|c| {
            c.history
                .iter()
                .rev()
                .map(|entry| {
                    let who = who_with_role(&entry.user, entry.role);
                    let what = history_summary(procedure, entry);
                    let comment = entry.comment.clone();
                    let files = (!entry.files.is_empty()).then(|| view! { <AttachedFiles files=entry.files.clone() /> });
                    let correction = entry
                        .activity
                        .filter(|_| entry.event.is_none())
                        .and_then(|n| procedure.activity(n))
                        .filter(|activity| {
                            actor.get_untracked().is_some_and(|(actor, _)| actor.role_for(activity, &c.entity_ids()).is_ok())
                        })
                        .map(|activity| view! { <Correction case number=activity.number version=entry.version /> });
                    view! {
                        <li data-version=entry.version>
                            <p class="timeline-head">{format!("{} · {who}", bolivia_time(entry.at))}</p>
                            <p>{what}</p>
                            {comment.map(|c| view! { <blockquote>{c}</blockquote> })}
                            {files}
                            {correction}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="steps" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Historial"</h2>
            <ol class="timeline">{entries}</ol>
        </section>
    }
}

/// Files added to a completed activity after the fact: the first ones stay,
/// the correction is a new entry of the history.
#[component]
fn Correction(case: RwSignal<CaseView>, number: ActivityNumber, version: i64) -> impl IntoView {
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let attach = ServerAction::<AttachFiles>::new();
    follow_answers(attach.value(), problem, move |latest| {
        uploads.set(Vec::new());
        comment.set(String::new());
        adopt_newer(case, latest);
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let files = match uploads.with_untracked(|u| files_to_attach(u)) {
            Ok(files) => files,
            Err(message) => {
                problem.set(Some(message));
                return;
            }
        };
        attach.dispatch(AttachFiles {
            id: case.with_untracked(|c| c.id.clone()),
            activity: Some(number),
            submission: None,
            files,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
            version: None,
        });
    };
    view! {
        <details class="correction">
            <summary class="button button-small">"Adjuntar una corrección"</summary>
            <form class="form" on:submit=on_submit>
                <FilePicker
                    case_id=case.with_untracked(|c| c.id.clone())
                    uploads
                    label=format!("Archivos que corrigen o completan la salida de la actividad {number}")
                    id=format!("correction-{version}")
                />
                <div class="field">
                    <label for=format!("correction-comment-{version}")>"Qué corrige (opcional)"</label>
                    <textarea id=format!("correction-comment-{version}") bind:value=comment maxlength=MAX_COMMENT rows="2"></textarea>
                </div>
                {move || problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
                <button type="submit" class="button button-primary" disabled=move || attach.pending().get()>
                    "Adjuntar al historial"
                </button>
            </form>
        </details>
    }
}

/// For an activity the manual says derives: whom the work that follows
/// goes to (anyone who holds its role, or nobody in particular).
#[component]
fn DeriveNext(
    case: RwSignal<CaseView>,
    next: Vec<ActivityNumber>,
    chosen: RwSignal<String>,
    id: ActivityNumber,
) -> impl IntoView {
    let case_id = case.with_untracked(|c| c.id.clone());
    let select_id = format!("derive-{id}");
    view! {
        <div class="field">
            <label for=select_id.clone()>"Derivar lo que sigue a (opcional)"</label>
            <CandidateSelect
                case_id
                numbers=next
                select_id
                placeholder="Nadie en particular: a todos los que tienen el rol"
                chosen
            />
        </div>
    }
}

/// A choice among the people who may take `numbers`. The list is asked for
/// once the page runs in the browser (the server draws nothing here, so
/// the page hydrates the same markup it was sent), and the `<select>` is
/// drawn whole when it arrives: a `<select>` holds nothing but options.
#[component]
fn CandidateSelect(
    case_id: String,
    numbers: Vec<ActivityNumber>,
    select_id: String,
    placeholder: &'static str,
    chosen: RwSignal<String>,
) -> impl IntoView {
    let people = RwSignal::new(None::<Vec<Candidate>>);
    // A plain task, not a resource: nothing waits for it, and a resource's
    // suspense would weigh more in the browser's build than the list.
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let found = derivation_candidates(case_id, numbers).await;
        people.try_set(Some(found.unwrap_or_default()));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (case_id, numbers, derivation_candidates);
    move || {
        people.get().map(|people| {
            view! {
                <select id=select_id.clone() on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">{placeholder}</option>
                    {people
                        .into_iter()
                        .map(|p| {
                            let selected = chosen.with_untracked(|c| *c == p.id);
                            view! { <option value=p.id selected=selected>{p.name}</option> }
                        })
                        .collect_view()}
                </select>
            }
        })
    }
}

/// Taking, releasing and (for the heads) deriving a current activity.
#[component]
fn DeriveControls(
    case: RwSignal<CaseView>,
    number: ActivityNumber,
    assignee: Option<Person>,
    actor: Signal<Option<(Actor, bool)>>,
) -> impl IntoView {
    let activity = case.with_untracked(|c| {
        procedures::definition(&c.procedure, c.procedure_version).and_then(|p| p.activity(number))
    });
    let problem = RwSignal::new(None::<String>);
    let derive = ServerAction::<DeriveActivity>::new();
    follow_answers(derive.value(), problem, move |latest| {
        adopt_newer(case, latest)
    });
    let send = move |action: &str, user_id: Option<String>, reason: Option<String>| {
        derive.dispatch(DeriveActivity {
            id: case.with_untracked(|c| c.id.clone()),
            number,
            action: action.to_owned(),
            user_id,
            reason,
            version: Some(case.with_untracked(|c| c.version)),
        });
    };
    let reassigning = assignee.is_some();
    let state = move || {
        let (actor, _) = actor.get()?;
        let holds_role =
            case.with(|c| activity.is_some_and(|a| actor.may_hold(a, &c.entity_ids())));
        let mine = assignee
            .as_ref()
            .is_some_and(|a| Some(&a.id) == actor.person.as_ref());
        Some((holds_role, mine, actor.reassigns()))
    };
    let chosen = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let case_id = case.with_untracked(|c| c.id.clone());
    let on_derive = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if chosen.with_untracked(String::is_empty) {
            problem.set(Some("Elija a quién derivar la actividad.".into()));
            return;
        }
        send(
            "assign",
            Some(chosen.get_untracked()),
            Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
        );
    };
    view! {
        {move || {
            let (holds_role, mine, head) = state().unwrap_or_default();
            let unassigned = !reassigning;
            view! {
                <div class="derive-controls">
                    {(unassigned && holds_role).then(|| view! {
                        <button type="button" class="button button-small" on:click=move |_| send("take", None, None)>"Tomar"</button>
                    })}
                    {(reassigning && (mine || head)).then(|| view! {
                        <button type="button" class="button button-small" on:click=move |_| send("release", None, None)>"Liberar"</button>
                    })}
                    {head.then(|| view! {
                        <details class="derive-editor">
                            <summary class="button button-small">{if reassigning { "Reasignar" } else { "Derivar a…" }}</summary>
                            <form class="form" on:submit=on_derive>
                                <div class="field">
                                    <label for=format!("assign-{number}")>"Persona"</label>
                                    <CandidateSelect
                                        case_id=case_id.clone()
                                        numbers=vec![number]
                                        select_id=format!("assign-{number}")
                                        placeholder="Elija…"
                                        chosen
                                    />
                                </div>
                                <div class="field">
                                    <label for=format!("reason-{number}")>{if reassigning { "Motivo de la reasignación" } else { "Motivo (opcional)" }}</label>
                                    <input id=format!("reason-{number}") type="text" maxlength=MAX_REASON bind:value=reason required=reassigning />
                                </div>
                                <button type="submit" class="button button-primary" disabled=move || derive.pending().get()>"Derivar"</button>
                            </form>
                        </details>
                    })}
                </div>
            }
        }}
        {move || problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
    }
}

/// Shows the case as an answer left it, unless a newer version is shown
/// already (a slow answer must not undo a newer one).
fn adopt_newer(case: RwSignal<CaseView>, latest: CaseView) {
    if latest.version > case.with_untracked(|c| c.version) {
        case.set(latest);
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
