//! What the islands do with the page's own elements: read a form as JSON
//! and talk to the JSON API, post a form to its server function, and take
//! parts of a fresh copy of the page into it. Browser only.

use js_sys::Reflect;
use serde_json::{Map, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The elements under `root` that match `selector`, in page order.
pub fn elements(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let Ok(found) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|index| found.item(index)?.dyn_into::<web_sys::Element>().ok())
        .collect()
}

/// The elements of the page that match `selector`, in page order.
pub fn elements_on_page(selector: &str) -> Vec<web_sys::Element> {
    leptos::prelude::document()
        .document_element()
        .map(|page| elements(&page, selector))
        .unwrap_or_default()
}

fn property(element: &JsValue, name: &str) -> JsValue {
    Reflect::get(element, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A whole number of an event stream's JSON data (`{ "version": 3 }`), read
/// with the browser's JSON parser: the streams' events carry a number or
/// two, which is not worth a JSON parser in every build.
pub fn number_in_event(event: &web_sys::MessageEvent, key: &str) -> Option<i64> {
    let data = event.data().as_string()?;
    let value = js_sys::JSON::parse(&data).ok()?;
    property(&value, key).as_f64().map(|number| number as i64)
}

/// The named, enabled fields of `form` as a JSON object: `name[]` check
/// boxes and hidden inputs make an array of the checked values (empty when
/// none is), a textarea marked `data-list` an array of its non-empty lines,
/// a single check box a boolean, radios their checked value (`true` and
/// `false` as booleans), everything else its text.
pub fn form_json(form: &web_sys::Element) -> Value {
    let mut object = Map::new();
    let Ok(fields) = form.query_selector_all("[name]") else {
        return Value::Object(object);
    };
    for index in 0..fields.length() {
        let Some(node) = fields.item(index) else {
            continue;
        };
        let field: JsValue = node.into();
        let element: &web_sys::Element = field.unchecked_ref();
        let name = element.get_attribute("name").unwrap_or_default();
        // `_done`, `_bool`…: what a plain post needs to be read the same way.
        if name.starts_with('_') || property(&field, "disabled").is_truthy() {
            continue;
        }
        let kind = element.get_attribute("type").unwrap_or_default();
        let checked = property(&field, "checked").is_truthy();
        let text = property(&field, "value").as_string().unwrap_or_default();
        if let Some(list) = name.strip_suffix("[]") {
            let entry = object
                .entry(list.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let (Value::Array(items), true) = (entry, kind != "checkbox" || checked) {
                items.push(Value::String(text));
            }
        } else if kind == "checkbox" {
            object.insert(name, Value::Bool(checked));
        } else if kind == "radio" {
            if checked {
                let value = match text.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::String(text),
                };
                object.insert(name, value);
            }
        } else if element.has_attribute("data-list") {
            object.insert(name, crate::api::lines_list(&text));
        } else {
            object.insert(name, Value::String(text));
        }
    }
    Value::Object(object)
}

/// Sends `body` and reads the API's refusal, if any: its sentence and
/// the message of each field.
pub async fn send(url: &str, method: &str, body: String) -> Result<(), (String, Vec<String>)> {
    let offline = || {
        (
            "No se pudo conectar con el servidor. Revise su conexión e intente de nuevo."
                .to_owned(),
            Vec::new(),
        )
    };
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_body(&JsValue::from_str(&body));
    let headers = web_sys::Headers::new().map_err(|_| offline())?;
    headers
        .set("Content-Type", "application/json")
        .map_err(|_| offline())?;
    init.set_headers(&headers);
    let response: web_sys::Response =
        JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(url, &init))
            .await
            .map_err(|_| offline())?
            .unchecked_into();
    if response.ok() {
        return Ok(());
    }
    let body = body_text(&response)
        .await
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .unwrap_or_default();
    Err(crate::api::refusal(&body, response.status()))
}

/// The text of `GET url` (with the session's cookie), `None` when it
/// cannot be read.
pub async fn get_text(url: &str) -> Option<String> {
    let response: web_sys::Response = JsFuture::from(leptos::prelude::window().fetch_with_str(url))
        .await
        .ok()?
        .unchecked_into();
    if !response.ok() {
        return None;
    }
    body_text(&response).await
}

/// The body of `response` as text, `None` when it cannot be read.
async fn body_text(response: &web_sys::Response) -> Option<String> {
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The page at `url` as a document, to take parts of it into this one.
pub async fn fetch_document(url: &str) -> Option<web_sys::Document> {
    let html = get_text(url).await?;
    web_sys::DomParser::new()
        .ok()?
        .parse_from_string(&html, web_sys::SupportedType::TextHtml)
        .ok()
}

/// The element of `document` marked `data-live-part="name"`.
fn part(document: &web_sys::Document, name: &str) -> Option<web_sys::Element> {
    document
        .query_selector(&format!("[data-live-part=\"{name}\"]"))
        .ok()
        .flatten()
}

/// The children of `element` that carry `key`, with its value.
fn keyed_children(element: &web_sys::Element, key: &str) -> Vec<(String, web_sys::Element)> {
    let children = element.children();
    (0..children.length())
        .filter_map(|index| children.item(index))
        .filter_map(|child| Some((child.get_attribute(key)?, child)))
        .collect()
}

/// Whether the reader is using `element`: it holds the focus, an open
/// `<details>` or a form being sent. What they are doing there must not be
/// swept away by a newer copy.
fn in_use(element: &web_sys::Element) -> bool {
    let focused = leptos::prelude::document().active_element();
    focused.is_some_and(|f| element.contains(Some(&f)))
        || element
            .query_selector("details[open], [aria-busy=\"true\"]")
            .ok()
            .flatten()
            .is_some()
}

/// Gives `old` the content of `new`, unless it has it already or the
/// reader is using it.
fn bring_up_to_date(old: &web_sys::Element, new: &web_sys::Element) {
    let content = new.inner_html();
    if old.inner_html() != content && !in_use(old) {
        old.set_inner_html(&content);
    }
}

/// Gives part `name` of this page the content it has in `fresh`.
pub fn replace_part(fresh: &web_sys::Document, name: &str) {
    let here = leptos::prelude::document();
    if let (Some(old), Some(new)) = (part(&here, name), part(fresh, name)) {
        bring_up_to_date(&old, &new);
    }
}

/// Makes part `name` of this page hold the children `fresh` has there, in
/// its order, matched by the attribute `key`: a child kept keeps whatever
/// was typed into it (only the parts marked `data-live-part` inside it are
/// brought up to date), a new one is taken from `fresh`. Returns the
/// children it removed.
pub fn merge_keyed(fresh: &web_sys::Document, name: &str, key: &str) -> Vec<web_sys::Element> {
    let here = leptos::prelude::document();
    let (Some(list), Some(new_list)) = (part(&here, name), part(fresh, name)) else {
        return Vec::new();
    };
    let wanted = keyed_children(&new_list, key);
    // The children that go are removed first, so that those that stay are
    // not moved: moving a node loses its focus.
    let (mut kept, gone): (Vec<_>, Vec<_>) = keyed_children(&list, key)
        .into_iter()
        .partition(|(value, _)| wanted.iter().any(|(new, _)| new == value));
    for (_, child) in &gone {
        child.remove();
    }
    for (position, (value, new_child)) in wanted.into_iter().enumerate() {
        let child = match kept.iter().position(|(old, _)| *old == value) {
            Some(found) => {
                let child = kept.remove(found).1;
                bring_parts_up_to_date(&child, &new_child);
                child
            }
            None => match here.import_node_with_deep(&new_child, true) {
                Ok(node) => node.unchecked_into(),
                Err(_) => continue,
            },
        };
        let at = list.children().item(position as u32);
        if at.as_ref() != Some(&child) {
            let _ = list.insert_before(&child, at.as_ref().map(|e| e.unchecked_ref()));
        }
    }
    gone.into_iter().map(|(_, child)| child).collect()
}

/// Brings the parts marked `data-live-part` inside `kept` to what they
/// are inside `new`.
fn bring_parts_up_to_date(kept: &web_sys::Element, new: &web_sys::Element) {
    for new_part in elements(new, "[data-live-part]") {
        let name = new_part.get_attribute("data-live-part").unwrap_or_default();
        if let Ok(Some(old_part)) = kept.query_selector(&format!("[data-live-part=\"{name}\"]")) {
            bring_up_to_date(&old_part, &new_part);
        }
    }
}

/// Adds to the top of part `name` of this page the children `fresh` has
/// first there and this page lacks (by the attribute `key`): the newest
/// entries of a list that only grows. Returns those it added.
pub fn prepend_new(fresh: &web_sys::Document, name: &str, key: &str) -> Vec<web_sys::Element> {
    let here = leptos::prelude::document();
    let (Some(list), Some(new_list)) = (part(&here, name), part(fresh, name)) else {
        return Vec::new();
    };
    let known: Vec<String> = keyed_children(&list, key)
        .into_iter()
        .map(|(value, _)| value)
        .collect();
    let first = list.first_element_child();
    keyed_children(&new_list, key)
        .into_iter()
        .take_while(|(value, _)| !known.contains(value))
        .filter_map(|(_, new_child)| {
            let child: web_sys::Element = here
                .import_node_with_deep(&new_child, true)
                .ok()?
                .unchecked_into();
            list.insert_before(&child, first.as_ref().map(|e| e.unchecked_ref()))
                .ok()?;
            Some(child)
        })
        .collect()
}

/// Posts `fields` URL-encoded, as a plain HTML form would, to a server
/// function, which then answers rather than sending the browser back.
/// `Err` holds the body of its refusal, or `None` when it could not be
/// reached.
pub async fn post_form(url: &str, fields: &web_sys::FormData) -> Result<(), Option<String>> {
    let body =
        web_sys::UrlSearchParams::new_with_str_sequence_sequence(fields).map_err(|_| None)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let response: web_sys::Response =
        JsFuture::from(leptos::prelude::window().fetch_with_str_and_init(url, &init))
            .await
            .map_err(|_| None)?
            .unchecked_into();
    if response.ok() {
        return Ok(());
    }
    Err(body_text(&response).await)
}
