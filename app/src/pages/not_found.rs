use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Página no encontrada" />
        <h1>"Página no encontrada"</h1>
        <p>"La dirección no corresponde a ninguna página. Revise el código del procedimiento o vuelva a la lista."</p>
        <p><a href="/procedimientos">"Ver los procedimientos"</a></p>
    }
}
