//! The detail of one activity: what the manual says of it, where its work
//! comes from and goes, and how an ambiguous passage was read.

use leptos::either::Either;
use leptos::prelude::*;

use super::practice::{destination, CompleteButtons, Practice};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::role::roles_label;

#[component]
pub fn ActivityDetail(
    procedure: &'static Procedure,
    selected: RwSignal<Option<ActivityNumber>>,
    /// The walk-through, whose current activities can be completed here.
    #[prop(optional)]
    practice: Option<Practice>,
) -> impl IntoView {
    let link = move |number: ActivityNumber| {
        view! {
            <button type="button" class="link-button" on:click=move |_| selected.set(Some(number))>
                {format!("Actividad {number}")}
            </button>
        }
    };
    let panel = NodeRef::<leptos::html::Section>::new();
    // On narrow screens the panel sits below the diagram: bring it into
    // sight when an activity is opened.
    Effect::new(move || {
        if selected.get().is_some() {
            if let Some(panel) = panel.get_untracked() {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                panel.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    });
    view! {
        <section node_ref=panel class="panel detail" aria-labelledby="detail-title" aria-live="polite">
            {move || match selected.get().and_then(|n| procedure.activity(n)) {
                None => Either::Left(view! {
                    <h2 id="detail-title">"Detalle de la actividad"</h2>
                    <p class="muted">"Seleccione una actividad del diagrama o de la lista de pasos."</p>
                }),
                Some(activity) => {
                    let number = activity.number;
                    let from = procedure.predecessors(number);
                    let from_view = if from.is_empty() {
                        Either::Left(view! { <span>"Inicio del procedimiento"</span> })
                    } else {
                        Either::Right(from.into_iter().map(link).collect_view())
                    };
                    let next = activity
                        .next
                        .iter()
                        .map(|choice| {
                            let condition = (!choice.label.is_empty()).then(|| view! { <strong>{format!("{}: ", choice.label)}</strong> });
                            let targets = if choice.end.is_some() {
                                Either::Left(view! { <span>{destination(choice)}</span> })
                            } else {
                                let parallel = choice.is_parallel().then_some(" (en paralelo)");
                                Either::Right(view! { {choice.leads_to.iter().copied().map(link).collect_view()} {parallel} })
                            };
                            view! { <li>{condition} {targets}</li> }
                        })
                        .collect_view();
                    Either::Right(view! {
                        <div class="detail-head">
                            <h2 id="detail-title" tabindex="-1">{format!("Actividad {number}")}</h2>
                            <button type="button" class="button button-small" on:click=move |_| selected.set(None)>"Cerrar"</button>
                        </div>
                        <p class="detail-title">{activity.title}</p>
                        <p class="detail-description">{activity.description}</p>
                        <dl class="facts">
                            <dt>"Responsable"</dt>
                            <dd>{roles_label(activity.roles)}</dd>
                            <dt>"Salida"</dt>
                            <dd>{activity.output}</dd>
                            <dt>"Viene de"</dt>
                            <dd class="links">{from_view}</dd>
                            <dt>"Pasa a"</dt>
                            <dd><ul class="next-list">{next}</ul></dd>
                            <dt>"Dónde lo dice el manual"</dt>
                            <dd data-source="">{procedure.source(number).cite()}</dd>
                        </dl>
                        {activity.join.then(|| view! {
                            <p class="notice">"Unión: espera a que terminen todas las líneas de trabajo que llegan a ella."</p>
                        })}
                        {activity.note.map(|note| view! {
                            <div class="note">
                                <h3>"Nota de interpretación"</h3>
                                <p>{note}</p>
                            </div>
                        })}
                        {practice.map(|practice| {
                            let current = Memo::new(move |_| practice.is_current(number));
                            move || current.get().then(|| view! {
                                <div class="detail-actions">
                                    <h3>"Completar en el recorrido"</h3>
                                    <CompleteButtons practice number />
                                </div>
                            })
                        })}
                    })
                }
            }}
        </section>
    }
}
