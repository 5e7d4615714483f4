//! `/api/v1/docs`: the API reference, rendered on the server from the
//! generated OpenAPI document (every path, method, parameter, body, answer
//! and schema); plain HTML with the site's stylesheet, no script, no CDN.
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `#/components/schemas/CustomerOut` -> a link to its section.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", type_of(items));
    }
    if let Some(any) = schema.get("oneOf").and_then(Value::as_array) {
        return any.iter().map(type_of).collect::<Vec<_>>().join(" | ");
    }
    match schema.get("type") {
        Some(Value::String(t)) => esc(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(esc)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => match schema.get("enum").and_then(Value::as_array) {
            Some(vals) => vals
                .iter()
                .map(|v| esc(&v.to_string()))
                .collect::<Vec<_>>()
                .join(", "),
            None => "any".into(),
        },
    }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .map(esc)
        .unwrap_or_default()
}

/// The page's HTML for a document.
pub fn render(doc: &Value) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.push_str(&format!(
        "<title>{} — reference</title></head><body><main class=\"panel api-docs\">",
        text(&doc["info"], "title")
    ));
    h.push_str(&format!(
        "<h1>{} <small>v{} · OpenAPI {}</small></h1><p>{}</p><p><a href=\"/api/v1/openapi.json\">openapi.json</a></p>",
        text(&doc["info"], "title"),
        text(&doc["info"], "version"),
        text(doc, "openapi"),
        text(&doc["info"], "description"),
    ));
    h.push_str("<h2 id=\"paths\">Paths</h2>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else {
                continue;
            };
            for (method, op) in ops {
                h.push_str(&format!(
                    "<section class=\"api-op\"><h3><code>{} {}</code></h3><p>{}</p>",
                    esc(&method.to_uppercase()),
                    esc(path),
                    text(op, "summary"),
                ));
                if let Some(d) = op.get("description").and_then(Value::as_str) {
                    h.push_str(&format!("<p>{}</p>", esc(d)));
                }
                if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                    h.push_str("<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>required</th><th>description</th></tr></thead><tbody>");
                    for p in params {
                        h.push_str(&format!(
                            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            text(p, "name"),
                            text(p, "in"),
                            type_of(&p["schema"]),
                            if p["required"].as_bool() == Some(true) { "yes" } else { "no" },
                            text(p, "description"),
                        ));
                    }
                    h.push_str("</tbody></table>");
                }
                if let Some(content) = op["requestBody"]["content"].as_object() {
                    h.push_str("<h4>Body</h4><ul>");
                    for (ct, c) in content {
                        h.push_str(&format!(
                            "<li><code>{}</code>: {}</li>",
                            esc(ct),
                            type_of(&c["schema"])
                        ));
                    }
                    h.push_str("</ul>");
                }
                if let Some(responses) = op["responses"].as_object() {
                    h.push_str("<h4>Answers</h4><ul>");
                    for (code, r) in responses {
                        let bodies = r["content"]
                            .as_object()
                            .map(|c| {
                                c.iter()
                                    .map(|(ct, v)| {
                                        format!(
                                            "<code>{}</code> {}",
                                            esc(ct),
                                            type_of(&v["schema"])
                                        )
                                    })
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            })
                            .unwrap_or_default();
                        h.push_str(&format!(
                            "<li><strong>{}</strong> {} {}</li>",
                            esc(code),
                            text(r, "description"),
                            bodies
                        ));
                    }
                    h.push_str("</ul>");
                }
                h.push_str("</section>");
            }
        }
    }
    h.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, s) in schemas {
            h.push_str(&format!(
                "<section id=\"schema-{0}\" class=\"api-schema\"><h3>{0}</h3><p>{1}</p>",
                esc(name),
                text(s, "description")
            ));
            let required: Vec<&str> = s["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = s["properties"].as_object() {
                h.push_str("<table><thead><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr></thead><tbody>");
                for (field, p) in props {
                    h.push_str(&format!(
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(field),
                        type_of(p),
                        if required.contains(&field.as_str()) {
                            "yes"
                        } else {
                            "no"
                        },
                        text(p, "description"),
                    ));
                }
                h.push_str("</tbody></table>");
            } else {
                h.push_str(&format!("<p>{}</p>", type_of(s)));
            }
            h.push_str("</section>");
        }
    }
    h.push_str("<h2 id=\"problems\">Problems</h2><p>Errors are <code>application/problem+json</code> (RFC 9457): <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, and <code>errors</code> (<code>field</code>, <code>code</code>, <code>message</code>) for refused fields.</p><ul>");
    for slug in [
        "unauthenticated",
        "forbidden",
        "not-found",
        "conflict",
        "validation",
        "invalid-body",
        "bad-request",
        "idempotency-mismatch",
        "idempotency-in-progress",
        "rate-limited",
        "too-large",
        "internal",
    ] {
        h.push_str(&format!(
            "<li id=\"problem-{slug}\"><code>{slug}</code></li>"
        ));
    }
    h.push_str("</ul></main></body></html>");
    h
}

pub async fn reference_page() -> Response {
    let doc: Value = serde_json::from_str(&super::openapi_json()).unwrap_or(Value::Null);
    let mut res = render(&doc).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}
