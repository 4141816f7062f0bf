#![recursion_limit = "256"]
//! The application shared by the server and the browser: the pure domain,
//! the pages and their components.

pub mod accounts;
pub mod actions;
pub mod api;
pub mod audit;
pub mod cases;
pub mod components;
pub mod dashboard;
pub mod diagram;
pub mod documents;
pub mod domain;
pub mod dossier;
pub mod forms;
pub mod identity;
pub mod notifications;
pub mod pages;
pub mod paging;
pub mod portal;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode, StaticSegment};

use components::islands::IslandScripts;

use pages::account::AccountPage;
use pages::admin::AdminPage;
use pages::case::CasePage;
use pages::cases::CasesPage;
use pages::catalogue::CataloguePage;
use pages::dashboard::DashboardPage;
use pages::dossier::DossierPage;
use pages::inbox::InboxPage;
use pages::not_found::NotFound;
use pages::notices::NoticesPage;
use pages::portal::{AnnexPage, CheckAnswersPage, PortalPage, SentPage, SubmissionPage};
use pages::procedure::ProcedurePage;
use pages::session::{AccessRequestPage, AccountMenu, Session, SignInPage};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::edge::send_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="es">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <IslandScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Session::provide();
    view! {
        <Title formatter=|text: String| format!("{text} · Manual de procedimientos AGETIC") />
        <Router>
            <a class="skip-link" href="#contenido">"Saltar al contenido"</a>
            <header class="site-header">
                <a class="brand" href="/procedimientos">
                    <span class="brand-mark" aria-hidden="true">"M06"</span>
                    <span>"Manual de procedimientos · AGETIC"</span>
                </a>
                <nav aria-label="Principal">
                    <a href="/procedimientos">"Procedimientos"</a>
                    <a href="/bandeja">"Mi bandeja"</a>
                    <a href="/expedientes">"Expedientes"</a>
                    <AccountMenu />
                </nav>
            </header>
            <main id="contenido">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=|| view! { <Redirect path="/procedimientos" /> } />
                    <Route path=StaticSegment("procedimientos") view=CataloguePage />
                    <Route path=path!("/procedimientos/:code") view=ProcedurePage />
                    <Route path=StaticSegment("ingresar") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/ingresar/solicitud") view=AccessRequestPage ssr=SsrMode::Async />
                    // Pages of cases wait for their data before answering, so
                    // that a refusal carries its status (401, 404).
                    <Route path=StaticSegment("bandeja") view=InboxPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("avisos") view=NoticesPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("expedientes") view=CasesPage ssr=SsrMode::Async />
                    <Route path=path!("/expedientes/:id") view=CasePage ssr=SsrMode::Async />
                    <Route path=path!("/expedientes/:id/expediente") view=DossierPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("administracion") view=AdminPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("cuenta") view=AccountPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("tablero") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("portal") view=PortalPage ssr=SsrMode::Async />
                    <Route path=path!("/portal/:anexo") view=AnnexPage ssr=SsrMode::Async />
                    <Route path=path!("/portal/:anexo/revisar") view=CheckAnswersPage ssr=SsrMode::Async />
                    <Route path=path!("/portal/:anexo/enviado") view=SentPage ssr=SsrMode::Async />
                    <Route path=path!("/envios/:id") view=SubmissionPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}
