//! The one console client: a browser with its own cookie jar, redirects not followed so they can
//! be asserted, and the goods editor's form read back the way a browser would send it.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{multipart, TestApp};

/// The console password of the `admin` account every test app starts with.
pub const CONSOLE_PASSWORD: &str = "test-admin-password";

/// One answer: status, headers that matter here, body text.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    #[track_caller]
    pub fn assert_has(&self, text: &str) -> &Self {
        assert!(self.body.contains(text), "expected {text:?} in HTTP {} page:\n{}", self.status, self.body);
        self
    }

    /// Where a redirect points ("" when it is not one).
    pub fn location(&self) -> &str {
        self.location.as_deref().unwrap_or("")
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies.iter().map(String::as_str).find(|c| c.starts_with(&format!("{name}=")))
    }

    /// The page's CSRF token (the first hidden `csrf` field).
    pub fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").expect("page has a csrf field") + 19;
        self.body[at..at + 64].to_string()
    }
}

/// A browser with its own cookie jar.
pub struct Browser<'a> {
    app: &'a TestApp,
    agent: ureq::Agent,
    pub jar: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    /// A browser that has not signed in.
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Browser { app, agent, jar: BTreeMap::new() }
    }

    /// A signed-in browser.
    pub fn staff(app: &'a TestApp) -> Browser<'a> {
        let mut b = Browser::new(app);
        let res = b.login("admin", CONSOLE_PASSWORD);
        assert_eq!(res.status, 303, "login failed: {}", res.body);
        b
    }

    fn cookie_header(&self) -> String {
        self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep(&mut self, mut res: ureq::http::Response<ureq::Body>) -> Page {
        let set_cookies: Vec<String> =
            res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        for c in &set_cookies {
            let (name, rest) = c.split_once('=').unwrap();
            let value = rest.split(';').next().unwrap();
            if value.is_empty() || c.contains("Max-Age=0") {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_string(), value.to_string());
            }
        }
        let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
        let status = res.status().as_u16();
        Page { status, location, set_cookies, body: res.body_mut().read_to_string().unwrap() }
    }

    pub fn get(&mut self, path: &str) -> Page {
        let res = self.agent.get(&self.app.url(path)).header("Cookie", &self.cookie_header()).call().unwrap();
        self.keep(res)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let res = self
            .agent
            .post(&self.app.url(path))
            .header("Cookie", &self.cookie_header())
            .send_form(form.iter().copied())
            .unwrap();
        self.keep(res)
    }

    /// A multipart post with one file field `file`.
    pub fn post_file(&mut self, path: &str, fields: &[(&str, &str)], name: &str, bytes: &[u8]) -> Page {
        let (body, ct) = multipart("file", name, bytes, fields);
        let res = self
            .agent
            .post(&self.app.url(path))
            .header("Cookie", &self.cookie_header())
            .header("Content-Type", &ct)
            .send(&body[..])
            .unwrap();
        self.keep(res)
    }

    /// A post with a body built by hand (e.g. multipart with several file fields).
    pub fn post_body(&mut self, path: &str, content_type: &str, body: &[u8]) -> Page {
        let res = self
            .agent
            .post(&self.app.url(path))
            .header("Cookie", &self.cookie_header())
            .header("Content-Type", content_type)
            .send(body)
            .unwrap();
        self.keep(res)
    }

    /// Opens the login page (for its double-submit token) and signs in.
    pub fn login(&mut self, username: &str, password: &str) -> Page {
        let token = self.get("/admin/login").csrf();
        self.post(
            "/admin/login",
            &[("username", username), ("password", password), ("csrf", &token), ("next", "/admin")],
        )
    }

    /// The session's CSRF token, read from a page like a form would carry it.
    pub fn csrf(&mut self) -> String {
        self.get("/admin/password").csrf()
    }
}

/// Undoes askama's HTML escaping of attribute values and text (named and numeric entities).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 8) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        if let Some(c) = decoded {
            out.push(c);
            rest = &rest[end + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let end = tag[at..].find('"')? + at;
    Some(unescape(&tag[at..end]))
}

/// What a browser would send from the page's editor form (without any button).
pub fn form_fields(page: &Page) -> Vec<(String, String)> {
    let start = page.body.find("class=\"goods-editor\"").expect("the editor form");
    let end = page.body[start..].find("</form>").unwrap() + start;
    let form = &page.body[start..end];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let close = rest.find('>').unwrap();
        let tag = &rest[..=close];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            if let Some(name) = attr(tag, "name") {
                let skip = kind == "file" || (kind == "checkbox" && !tag.contains(" checked"));
                if !skip {
                    out.push((name, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("<textarea") {
            let body_end = rest.find("</textarea>").unwrap();
            out.push((attr(tag, "name").unwrap(), unescape(&rest[close + 1..body_end])));
        } else if tag.starts_with("<select") {
            let sel_end = rest.find("</select>").unwrap();
            let options = &rest[close..sel_end];
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| o.contains(" selected"))
                .or_else(|| options.split("<option").nth(1))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            out.push((attr(tag, "name").unwrap(), chosen));
        }
        rest = &rest[close..];
    }
    out
}

/// Presses `action` on the editor in `page` after typing `typed` (name → value; new names added).
pub fn press(b: &mut Browser, path: &str, page: &Page, typed: &[(&str, &str)], action: &str) -> Page {
    let mut fields = form_fields(page);
    for (name, value) in typed {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    fields.push(("action".into(), action.into()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    b.post(path, &form)
}

/// A field's value in the editor form ("" when absent).
pub fn value_of(page: &Page, name: &str) -> String {
    form_fields(page).into_iter().find(|(n, _)| n == name).map(|(_, v)| v).unwrap_or_default()
}

/// The SKU table's row index for a label such as "白 / M".
pub fn row_of(page: &Page, label: &str) -> usize {
    let fields = form_fields(page);
    let combo = serde_json::to_string(&label.split(" / ").collect::<Vec<_>>()).unwrap();
    #[allow(clippy::case_sensitive_file_extension_comparisons)] // a form field name, not a file
    let name = fields.iter().find(|(n, v)| n.ends_with(".combo") && *v == combo).expect(label).0.clone();
    name["skus[".len()..name.find(']').unwrap()].parse().unwrap()
}

/// The goods id a redirect after saving the editor points to.
pub fn id_from(page: &Page) -> i64 {
    assert_eq!(page.status, 303, "{}", page.body);
    page.location().trim_start_matches("/admin/goods/").parse().unwrap()
}
