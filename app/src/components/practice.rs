//! Walk-through mode: a simulated case that moves with the same engine a real
//! case uses, for trainings (the manual's "acta de capacitación").

use leptos::either::Either;
use leptos::prelude::*;

use crate::domain::engine::CaseState;
use crate::domain::procedure::{ActivityNumber, Choice, Procedure};
use crate::domain::role::roles_label;

#[derive(Clone, Debug, PartialEq)]
pub struct PracticeStep {
    pub activity: ActivityNumber,
    /// The condition chosen, empty where there was no decision.
    pub choice: &'static str,
    pub ended: Option<String>,
}

/// A practice case: its state, what was done, and the last refusal.
#[derive(Clone, Copy)]
pub struct Practice {
    pub procedure: &'static Procedure,
    pub state: RwSignal<Option<CaseState>>,
    pub steps: RwSignal<Vec<PracticeStep>>,
    pub error: RwSignal<Option<String>>,
}

impl Practice {
    pub fn new(procedure: &'static Procedure) -> Practice {
        Practice {
            procedure,
            state: RwSignal::new(None),
            steps: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
        }
    }

    pub fn start(&self) {
        self.state.set(Some(CaseState::start(self.procedure)));
        self.steps.set(Vec::new());
        self.error.set(None);
    }

    pub fn stop(&self) {
        self.state.set(None);
        self.steps.set(Vec::new());
        self.error.set(None);
    }

    pub fn complete(&self, number: ActivityNumber, choice: &'static Choice) {
        let Some(current) = self.state.get_untracked() else {
            return;
        };
        match current.complete(self.procedure, number, Some(choice.id)) {
            Ok(step) => {
                self.steps.update(|steps| {
                    steps.push(PracticeStep {
                        activity: number,
                        choice: step.choice.label,
                        ended: step.state.ended.as_ref().map(|e| e.label.clone()),
                    })
                });
                self.state.set(Some(step.state));
                self.error.set(None);
            }
            Err(error) => self.error.set(Some(error.to_string())),
        }
    }

    pub fn is_current(&self, number: ActivityNumber) -> bool {
        self.state
            .with(|s| s.as_ref().is_some_and(|s| s.is_current(number)))
    }
}

/// Where a choice leads, in words: "Actividad 10", "Actividades 6, 7 y 14
/// en paralelo" or the end it reaches.
pub fn destination(choice: &Choice) -> String {
    match (choice.end, choice.leads_to) {
        (Some(end), _) => format!("Fin: {end}"),
        (None, [only]) => format!("Actividad {only}"),
        (None, many) => {
            let (last, rest) = many.split_last().expect("checked: never empty");
            let rest: Vec<_> = rest.iter().map(ToString::to_string).collect();
            format!("Actividades {} y {last}, en paralelo", rest.join(", "))
        }
    }
}

/// The buttons that complete a current activity of the practice case.
#[component]
pub fn CompleteButtons(practice: Practice, number: ActivityNumber) -> impl IntoView {
    let activity = practice
        .procedure
        .activity(number)
        .expect("only numbers of the procedure are shown");
    let buttons = activity
        .next
        .iter()
        .map(|choice| {
            let text = if activity.is_decision() {
                format!("{} → {}", choice.label, destination(choice))
            } else {
                format!("Completar actividad {number}")
            };
            view! {
                <button
                    type="button"
                    class="button button-primary"
                    data-complete=number
                    data-choice=choice.id
                    on:click=move |_| practice.complete(number, choice)
                >
                    {text}
                </button>
            }
        })
        .collect_view();
    view! { <div class="complete-buttons">{buttons}</div> }
}

#[component]
pub fn PracticePanel(
    practice: Practice,
    selected: RwSignal<Option<ActivityNumber>>,
) -> impl IntoView {
    let procedure = practice.procedure;
    let current = move || {
        practice
            .state
            .with(|s| {
                s.as_ref()
                    .map(|s| s.active.iter().copied().collect::<Vec<_>>())
            })
            .unwrap_or_default()
    };
    let waiting = move || {
        practice
            .state
            .with(|s| {
                s.as_ref()
                    .map(|s| s.waiting.keys().copied().collect::<Vec<_>>())
            })
            .unwrap_or_default()
    };
    let ended = move || {
        practice
            .state
            .with(|s| s.as_ref().and_then(|s| s.ended.clone()))
    };

    // Either views, not `Show`: a `Show` boxes its children as an `AnyView`,
    // which weighs more in the browser's build.
    let started = Memo::new(move |_| practice.state.with(Option::is_some));
    let has_ended = Memo::new(move |_| ended().is_some());
    let walk_through = move || {
        if !started.get() {
            return Either::Left(view! {
                <p>
                    "Simule un expediente desde la actividad 1: complete la actividad resaltada, elija las condiciones y vea avanzar el flujo, igual que en un caso real."
                </p>
                <button type="button" class="button button-primary" on:click=move |_| practice.start()>
                    "Iniciar recorrido"
                </button>
            });
        }
        Either::Right(view! {
            <div aria-live="polite">
                {move || has_ended.get().then(|| view! {
                    <p class="notice notice-done" role="status">
                        "El caso terminó: " {move || ended().map(|e| e.label).unwrap_or_default()}
                    </p>
                })}
                {move || practice.error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
                <ul class="current-list">
                    {move || {
                        current()
                            .into_iter()
                            .map(|number| {
                                let activity = procedure.activity(number).expect("current activities exist");
                                view! {
                                    <li class="current-item">
                                        <button type="button" class="link-button" on:click=move |_| selected.set(Some(number))>
                                            {format!("Actividad {number} · {}", activity.title)}
                                        </button>
                                        <p class="current-description">{format!("{}: {}", roles_label(activity.roles), activity.description)}</p>
                                        <CompleteButtons practice number />
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                {move || {
                    let waiting = waiting();
                    (!waiting.is_empty())
                        .then(|| {
                            let list: Vec<_> = waiting.iter().map(ToString::to_string).collect();
                            view! {
                                <p class="waiting-note">
                                    {format!("En espera de las demás líneas: actividad {}.", list.join(", "))}
                                </p>
                            }
                        })
                }}
            </div>
            <details class="practice-log">
                <summary>{move || format!("Pasos completados ({})", practice.steps.with(Vec::len))}</summary>
                <ol>
                    {move || {
                        practice
                            .steps
                            .get()
                            .into_iter()
                            .map(|step| {
                                let choice = if step.choice.is_empty() { String::new() } else { format!(": {}", step.choice) };
                                let end = step.ended.map(|e| format!(" — {e}")).unwrap_or_default();
                                view! { <li>{format!("Actividad {}{choice}{end}", step.activity)}</li> }
                            })
                            .collect_view()
                    }}
                </ol>
            </details>
            <div class="button-row">
                <button type="button" class="button" on:click=move |_| practice.start()>"Reiniciar"</button>
                <button type="button" class="button" on:click=move |_| practice.stop()>"Salir del recorrido"</button>
            </div>
        })
    };

    view! {
        <section class="panel practice" aria-labelledby="practice-title">
            <h2 id="practice-title">"Recorrido de práctica"</h2>
            {walk_through}
        </section>
    }
}
