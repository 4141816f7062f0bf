use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::not_found::NotFound;
use crate::components::detail::ActivityDetail;
use crate::components::flowchart::FlowchartDrawing;
use crate::components::practice::{destination, Practice, PracticePanel};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::domain::role::roles_label;

/// `/procedimientos/{code}`: the flowchart, the detail of an activity, the
/// walk-through, and the steps as text.
#[component]
pub fn ProcedurePage() -> impl IntoView {
    let params = use_params_map();
    move || match params.with(|p| p.get("code").and_then(|code| procedures::find(&code))) {
        Some(procedure) => view! { <ProcedureView procedure /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

#[component]
fn ProcedureView(procedure: &'static Procedure) -> impl IntoView {
    view! {
        <Title text=format!("{} · {}", procedure.code, procedure.name) />
        <nav class="breadcrumbs" aria-label="Ruta">
            <a href="/procedimientos">"Procedimientos"</a>
            " / "
            <span aria-current="page">{procedure.code}</span>
        </nav>
        <h1><span class="code">{procedure.code}</span> " " {procedure.name}</h1>
        <p class="lead">{procedure.objective}</p>
        <div class="procedure-layout">
            <div class="procedure-diagram">
                <FlowchartDrawing procedure />
                <Legend />
            </div>
            <ProcedureWorkspace code=procedure.code.to_owned() />
        </div>
        <StepList procedure />
    }
}

/// The interactive part of the page: the detail and the walk-through beside
/// the diagram, hydrated in the browser, which also takes over the
/// server's diagram and answers the "Ver detalle" buttons of its steps.
#[cfg_attr(feature = "islands-procedure", island)]
#[cfg_attr(not(feature = "islands-procedure"), component)]
fn ProcedureWorkspace(code: String) -> impl IntoView {
    let procedure = procedures::find(&code).expect("rendered for a known procedure");
    let selected = RwSignal::new(None::<ActivityNumber>);
    let practice = Practice::new(procedure);
    #[cfg(feature = "hydrate")]
    {
        crate::components::flowchart::enliven(procedure, practice.state.into(), selected, None);
        let steps = window_event_listener(leptos::ev::click, move |ev| {
            if let Some(number) = shown_activity(&ev) {
                selected.set(Some(number));
            }
        });
        on_cleanup(move || steps.remove());
    }
    view! {
        <aside class="procedure-side">
            <ActivityDetail procedure selected practice />
            <PracticePanel practice selected />
        </aside>
    }
}

/// The activity a click on a step's "Ver detalle" button asks for.
#[cfg(feature = "hydrate")]
fn shown_activity(ev: &leptos::ev::MouseEvent) -> Option<ActivityNumber> {
    use wasm_bindgen::JsCast;
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let button = target.closest("[data-show-activity]").ok()??;
    button.get_attribute("data-show-activity")?.parse().ok()
}

#[component]
fn Legend() -> impl IntoView {
    let line = |class: &'static str, text: &'static str| {
        view! {
            <li>
                <svg class="legend-swatch" viewBox="0 0 48 16" aria-hidden="true">
                    <g class=format!("edge {class}")>
                        <path d="M2,8 H36" marker-end=format!("url(#arrow-{class})")></path>
                    </g>
                </svg>
                {text}
            </li>
        }
    };
    let node = |state: &'static str, text: &'static str| {
        view! {
            <li>
                <svg class="legend-swatch" viewBox="0 0 48 16" aria-hidden="true">
                    <g class="node" data-state=state>
                        <rect class="node-box" x="3" y="2" width="42" height="12" rx="4"></rect>
                    </g>
                </svg>
                {text}
            </li>
        }
    };
    view! {
        <ul class="legend" aria-label="Leyenda">
            {line("edge-sequence", "Secuencia")}
            {line("edge-branch", "Decisión (con su condición)")}
            {line("edge-parallel", "Trabajo en paralelo")}
            {line("edge-loop", "Ciclo: vuelve a una actividad anterior")}
            {node("current", "En curso")}
            {node("done", "Completada")}
            {node("waiting", "Unión en espera")}
            <li><span class="legend-join" aria-hidden="true"></span>"Unión: espera todas las líneas"</li>
            <li><span class="legend-end" aria-hidden="true"></span>"Fin del procedimiento"</li>
        </ul>
    }
}

/// The steps as an ordered list: the diagram's text alternative.
#[component]
fn StepList(procedure: &'static Procedure) -> impl IntoView {
    let items = procedure
        .activities
        .iter()
        .map(|activity| {
            let number = activity.number;
            let next = activity
                .next
                .iter()
                .map(|choice| {
                    if choice.label.is_empty() {
                        destination(choice)
                    } else {
                        format!("{}: {}", choice.label, destination(choice))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            view! {
                <li id=format!("paso-{number}") value=number>
                    <p class="step-title">{activity.title}</p>
                    <p class="step-description">{activity.description}</p>
                    <p class="step-facts">
                        <span>{format!("Responsable: {}", roles_label(activity.roles))}</span>
                        <span>{format!("Salida: {}", activity.output)}</span>
                        <span>{format!("Pasa a: {next}")}</span>
                    </p>
                    // Answered by the workspace island above.
                    <button type="button" class="link-button" data-show-activity=number>
                        {format!("Ver detalle de la actividad {number}")}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="steps" aria-labelledby="steps-title">
            <h2 id="steps-title">"Pasos del procedimiento"</h2>
            <ol>{items}</ol>
        </section>
    }
}
