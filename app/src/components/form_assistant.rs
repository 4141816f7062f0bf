//! The helper around a request form: it checks a field when the person
//! leaves it, lists every problem at the top when they try to go on, saves
//! the draft while they type, and generates secrets. The form itself is
//! rendered on the server and passed in as children.

use leptos::prelude::*;

use crate::domain::validation::FieldError;

#[cfg_attr(feature = "islands-portal", island)]
#[cfg_attr(not(feature = "islands-portal"), component)]
pub fn FormAssistant(
    /// `anexo-1`, `anexo-2` or `anexo-3`.
    anexo: String,
    children: Children,
) -> impl IntoView {
    // Without the wasm the form saves the draft as plain HTML and goes on
    // to the check page, where the server lists what is wrong.
    let draft = format!("/api/v1/forms/{anexo}/draft");
    let check = format!("/portal/{anexo}/revisar");
    let problems = RwSignal::new(Vec::<FieldError>::new());
    let saved = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    let handlers = assistant::Handlers::new(&anexo, problems, saved);
    #[cfg(not(feature = "hydrate"))]
    let handlers = {
        let _ = anexo;
        assistant::Handlers
    };
    let (on_focusout, on_change, on_input, on_click, on_submit) = (
        handlers.clone(),
        handlers.clone(),
        handlers.clone(),
        handlers.clone(),
        handlers.clone(),
    );
    let (on_press, on_release) = (handlers.clone(), handlers);
    let summary = move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|problem| {
                    let target = problem.field.clone();
                    view! {
                        <li>
                            <a
                                href=format!("#{}", problem.field)
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    assistant::focus_field(&target);
                                }
                            >
                                {problem.message}
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="error-summary" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                    <h2 id="error-summary-title">"Hay datos por corregir"</h2>
                    <ul>{items}</ul>
                </div>
            }
        })
    };
    view! {
        {summary}
        <form
            class="form annex-form"
            method="post"
            action=draft
            novalidate
            on:focusout=move |ev| on_focusout.left(&ev)
            on:change=move |ev| on_change.changed(&ev)
            on:input=move |ev| on_input.typed(&ev)
            on:click=move |ev| on_click.clicked(&ev)
            on:submit=move |ev| on_submit.submitted(&ev)
            on:pointerdown=move |_| on_press.pressed()
            on:pointerup=move |_| on_release.released()
        >
            <input type="hidden" name="_method" value="PUT" />
            <input type="hidden" name="_done" value=check />
            {children()}
        </form>
        <p class="save-state" role="status" aria-live="polite">{move || saved.get()}</p>
    }
}

#[cfg(not(feature = "hydrate"))]
mod assistant {
    /// On the server the form only renders; nothing listens.
    #[derive(Clone)]
    pub struct Handlers;

    impl Handlers {
        pub fn left(&self, _: &leptos::ev::FocusEvent) {}
        pub fn changed(&self, _: &leptos::ev::Event) {}
        pub fn typed(&self, _: &leptos::ev::Event) {}
        pub fn clicked(&self, _: &leptos::ev::MouseEvent) {}
        pub fn submitted(&self, _: &leptos::ev::SubmitEvent) {}
        pub fn pressed(&self) {}
        pub fn released(&self) {}
    }

    pub fn focus_field(_: &str) {}
}

#[cfg(feature = "hydrate")]
mod assistant {
    use std::time::Duration;

    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    use crate::components::browser;
    use crate::domain::validation::FieldError;
    use crate::forms::{today_in_bolivia, Anexo, AnyForm, Report};

    /// How long typing must pause before the draft is saved.
    const SAVE_AFTER: Duration = Duration::from_millis(700);
    /// How soon a failed save is tried again.
    const RETRY_AFTER: Duration = Duration::from_secs(5);

    #[derive(Clone)]
    pub struct Handlers {
        anexo: Anexo,
        problems: RwSignal<Vec<FieldError>>,
        saved: RwSignal<String>,
        pending: StoredValue<Option<TimeoutHandle>>,
        /// A pointer is down: messages that would move the page wait for
        /// it to come up, so that the click lands where it was aimed.
        pointer_down: StoredValue<bool>,
        deferred: StoredValue<Option<(web_sys::Element, String)>>,
    }

    fn document() -> web_sys::Document {
        leptos::prelude::document()
    }

    fn form_of(ev: &web_sys::Event) -> Option<web_sys::Element> {
        ev.current_target()?.dyn_into::<web_sys::Element>().ok()
    }

    fn target_of(ev: &web_sys::Event) -> Option<web_sys::Element> {
        ev.target()?.dyn_into::<web_sys::Element>().ok()
    }

    /// The field a form control belongs to: its name without `[]`.
    fn field_name(element: &web_sys::Element) -> Option<String> {
        let name = element.get_attribute("name")?;
        Some(name.trim_end_matches("[]").to_owned())
    }

    fn show(id: &str, message: Option<&str>) {
        if let Some(element) = document().get_element_by_id(id) {
            element.set_text_content(message);
            if message.is_some() {
                let _ = element.remove_attribute("hidden");
            } else {
                let _ = element.set_attribute("hidden", "");
            }
        }
    }

    /// Shows or clears one field's error and warning where the page put
    /// their places.
    fn show_field(field: &str, report: &Report) {
        let error = report.error_for(field);
        show(&format!("{field}-error"), error);
        show(&format!("{field}-warning"), report.warning_for(field));
        if let Some(wrapper) = document()
            .query_selector(&format!("[data-field=\"{field}\"]"))
            .ok()
            .flatten()
        {
            let _ = if error.is_some() {
                wrapper.set_attribute("data-invalid", "true")
            } else {
                wrapper.remove_attribute("data-invalid")
            };
        }
    }

    pub fn focus_field(field: &str) {
        if let Some(element) = document().get_element_by_id(field) {
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    }

    /// 32 random bytes in base64url: 43 characters no one guesses.
    fn random_token() -> Option<String> {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bytes = [0u8; 33];
        window()
            .crypto()
            .ok()?
            .get_random_values_with_u8_array(&mut bytes)
            .ok()?;
        let mut token = String::with_capacity(44);
        for chunk in bytes.chunks(3) {
            let n = (u32::from(chunk[0]) << 16) | (u32::from(chunk[1]) << 8) | u32::from(chunk[2]);
            for shift in [18, 12, 6, 0] {
                token.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            }
        }
        Some(token)
    }

    impl Handlers {
        pub fn new(
            anexo: &str,
            problems: RwSignal<Vec<FieldError>>,
            saved: RwSignal<String>,
        ) -> Handlers {
            Handlers {
                anexo: Anexo::from_slug(anexo).unwrap_or(Anexo::Uno),
                problems,
                saved,
                pending: StoredValue::new(None),
                pointer_down: StoredValue::new(false),
                deferred: StoredValue::new(None),
            }
        }

        fn report(&self, form: &web_sys::Element) -> Option<Report> {
            let form = AnyForm::from_json(self.anexo, browser::form_json(form)).ok()?;
            Some(form.validate(today_in_bolivia()))
        }

        /// Re-checks one field, and the summary if it is showing.
        fn check(&self, form: &web_sys::Element, field: &str) {
            let Some(report) = self.report(form) else {
                return;
            };
            show_field(field, &report);
            if !self.problems.with_untracked(Vec::is_empty) {
                self.problems.set(report.errors);
            }
        }

        pub fn left(&self, ev: &leptos::ev::FocusEvent) {
            if let (Some(form), Some(field)) =
                (form_of(ev), target_of(ev).and_then(|t| field_name(&t)))
            {
                if self.pointer_down.get_value() {
                    self.deferred.set_value(Some((form, field)));
                } else {
                    self.check(&form, &field);
                }
            }
        }

        pub fn pressed(&self) {
            self.pointer_down.set_value(true);
        }

        /// After the click that follows, the messages held back show.
        pub fn released(&self) {
            self.pointer_down.set_value(false);
            let this = self.clone();
            set_timeout(
                move || {
                    if let Some((form, field)) =
                        this.deferred.try_update_value(Option::take).flatten()
                    {
                        this.check(&form, &field);
                    }
                },
                Duration::ZERO,
            );
        }

        /// Choices and check boxes are checked as soon as they change.
        pub fn changed(&self, ev: &leptos::ev::Event) {
            let Some(target) = target_of(ev) else {
                return;
            };
            let kind = target.get_attribute("type").unwrap_or_default();
            if kind == "radio" || kind == "checkbox" {
                if let (Some(form), Some(field)) = (form_of(ev), field_name(&target)) {
                    self.check(&form, &field);
                }
            }
        }

        pub fn typed(&self, ev: &leptos::ev::Event) {
            if let Some(form) = form_of(ev) {
                self.save_later(form, SAVE_AFTER);
            }
        }

        fn save_later(&self, form: web_sys::Element, delay: Duration) {
            if let Some(handle) = self.pending.get_value() {
                handle.clear();
            }
            self.saved.set("Cambios sin guardar…".into());
            let this = self.clone();
            let handle = set_timeout_with_handle(
                move || {
                    this.pending.set_value(None);
                    leptos::task::spawn_local(async move {
                        this.save(&form).await;
                    });
                },
                delay,
            )
            .ok();
            self.pending.set_value(handle);
        }

        async fn save(&self, form: &web_sys::Element) -> bool {
            let url = format!("/api/v1/forms/{}/draft", self.anexo.slug());
            let body = browser::form_json(form).to_string();
            match browser::send(&url, "PUT", body).await {
                Ok(()) => {
                    let time =
                        crate::domain::calendar::bolivia_time(crate::domain::calendar::now_ms());
                    self.saved
                        .set(format!("Borrador guardado a las {}.", &time[11..]));
                    true
                }
                Err(_) => {
                    self.saved.set("No se pudo guardar el borrador; se reintentará en unos segundos. No cierre la página.".into());
                    self.save_later(form.clone(), RETRY_AFTER);
                    false
                }
            }
        }

        pub fn clicked(&self, ev: &leptos::ev::MouseEvent) {
            let (Some(form), Some(target)) = (form_of(ev), target_of(ev)) else {
                return;
            };
            if let Some(field) = target.get_attribute("data-generate") {
                let input = document().get_element_by_id(&field);
                if let (Some(input), Some(token)) = (input, random_token()) {
                    let _ = js_sys::Reflect::set(&input, &"value".into(), &token.into());
                    self.check(&form, &field);
                    self.save_later(form, SAVE_AFTER);
                }
            } else if let Some(field) = target.get_attribute("data-reveal") {
                if let Some(input) = document().get_element_by_id(&field) {
                    let masked = input.get_attribute("type").as_deref() == Some("password");
                    let _ = input.set_attribute("type", if masked { "text" } else { "password" });
                    let _ =
                        target.set_attribute("aria-pressed", if masked { "true" } else { "false" });
                    target.set_text_content(Some(if masked { "Ocultar" } else { "Mostrar" }));
                }
            }
        }

        pub fn submitted(&self, ev: &leptos::ev::SubmitEvent) {
            ev.prevent_default();
            let Some(form) = form_of(ev) else {
                return;
            };
            let Some(report) = self.report(&form) else {
                return;
            };
            // Every field the page laid out, without shipping the field
            // table to the browser.
            for field in crate::components::browser::elements(&form, "[data-field]") {
                if let Some(name) = field.get_attribute("data-field") {
                    show_field(&name, &report);
                }
            }
            if !report.valid {
                self.problems.set(report.errors);
                request_animation_frame(|| focus_field("error-summary"));
                return;
            }
            self.problems.set(Vec::new());
            if let Some(handle) = self.pending.get_value() {
                handle.clear();
            }
            let this = self.clone();
            let next = format!("/portal/{}/revisar", self.anexo.slug());
            leptos::task::spawn_local(async move {
                if this.save(&form).await {
                    let _ = window().location().set_href(&next);
                }
            });
        }
    }
}
