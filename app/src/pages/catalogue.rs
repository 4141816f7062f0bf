use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::procedures;

/// `/procedimientos`: the four procedures of the manual.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let cards = procedures::current()
        .into_iter()
        .map(|procedure| {
            let href = format!("/procedimientos/{}", procedure.code);
            view! {
                <li class="card" data-procedure=procedure.code>
                    <h2>
                        <a href=href>
                            <span class="code">{procedure.code}</span>
                            " "
                            {procedure.name}
                        </a>
                    </h2>
                    <p>{procedure.objective}</p>
                    <p class="muted">{format!("{} actividades", procedure.activities.len())}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text="Procedimientos" />
        <h1>"Procedimientos"</h1>
        <p class="lead">
            "Manual de procedimientos para la implementación de soluciones tecnológicas y herramientas de gobierno electrónico (UGAT/AIT-M06, versión 2). Abra un procedimiento para ver su diagrama de flujo y practicar un recorrido."
        </p>
        <ul class="cards">{cards}</ul>
    }
}
