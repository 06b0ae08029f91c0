//! `plimsoll server` driven as an editor drives it: Content-Length framed JSON-RPC over the
//! child's stdin and stdout. Every read has a timeout, so a server that hangs fails the test.

mod cli_support;

use cli_support::plimsoll;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(30);

struct Editor {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: u64,
    /// The diagnostics last published for each URI, as seen so far.
    latest: std::collections::BTreeMap<String, Vec<Value>>,
    /// Publications seen so far.
    publications: usize,
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

impl Editor {
    fn start(dir: &Path) -> Editor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Editor {
            child,
            stdin,
            rx,
            next_id: 1,
            latest: Default::default(),
            publications: 0,
        }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its result, skipping notifications in between.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.recv();
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{msg}");
                return msg["result"].clone();
            }
        }
    }

    fn recv(&mut self) -> Value {
        let msg = self
            .rx
            .recv_timeout(TIMEOUT)
            .expect("the server answers within the timeout");
        if msg["method"] == "textDocument/publishDiagnostics" {
            let uri = msg["params"]["uri"].as_str().unwrap().to_string();
            let list = msg["params"]["diagnostics"].as_array().unwrap().clone();
            self.latest.insert(uri, list);
            self.publications += 1;
        }
        msg
    }

    /// Reads until the `$/plimsoll/stats` notification that follows a lint; returns it and the
    /// URIs published before it.
    fn stats(&mut self) -> (Value, Vec<String>) {
        let mut uris = Vec::new();
        loop {
            let msg = self.recv();
            if msg["method"] == "textDocument/publishDiagnostics" {
                uris.push(msg["params"]["uri"].as_str().unwrap().to_string());
            }
            if msg["method"] == "$/plimsoll/stats" {
                return (msg["params"].clone(), uris);
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let msg = self.recv();
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &Path, version: u64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn finish(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0));
                return;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rules(diags: &[Value]) -> Vec<&str> {
    diags.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

/// A ConfigMap template reading `.Values.<key>` and the image block.
fn cm(key: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  i: {{{{ .Values.image | toJson | quote }}}}\n  r: \"{{{{ .Values.{key} }}}}\"\n"
    )
}

fn chart(dir: &Path) -> std::path::PathBuf {
    let c = dir.join("web");
    std::fs::create_dir_all(c.join("templates")).unwrap();
    std::fs::write(
        c.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 1.0.0\nicon: https://example.com/i.png\n",
    )
    .unwrap();
    std::fs::write(c.join("values.yaml"), "replicas: 1\n").unwrap();
    std::fs::write(c.join("templates/cm.yaml"), cm("replicas")).unwrap();
    c.canonicalize().unwrap()
}

fn initialize(ed: &mut Editor, dir: &Path) {
    let caps = ed.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir), "capabilities": {}}),
    );
    assert_eq!(caps["capabilities"]["textDocumentSync"]["change"], 1);
    assert_eq!(caps["capabilities"]["hoverProvider"], true);
    ed.notify("initialized", json!({}));
}

#[test]
fn diagnostics_follow_the_unsaved_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let c = chart(dir.path());
    let values = c.join("values.yaml");
    let mut ed = Editor::start(dir.path());
    initialize(&mut ed, dir.path());

    // Opened with a duplicate key the file on disk does not have.
    ed.open(&values, "replicas: 1\nreplicas: 2\n");
    let d = ed.diagnostics_for(&uri(&values));
    assert_eq!(rules(&d), vec!["yaml/duplicate-key"]);
    assert_eq!(d[0]["range"]["start"], json!({"line": 1, "character": 0}));
    assert_eq!(d[0]["severity"], 1);

    // Edited: the finding goes; a new one in the buffer appears.
    ed.change(&values, 2, "replicas: 1\nimage:\n  tag: 1.10\n");
    let d = ed.diagnostics_for(&uri(&values));
    assert_eq!(rules(&d), vec!["values/float-version"], "{d:?}");

    // The template is linted against the buffer's values: a path missing from them is found.
    let cm_path = c.join("templates/cm.yaml");
    ed.open(&cm_path, &cm("replicaz"));
    let d = ed.diagnostics_for(&uri(&cm_path));
    assert!(
        rules(&d).contains(&"templates/values-path-missing"),
        "{d:?}"
    );

    // Saved (the buffer now on disk): linted again, same result for values.yaml.
    std::fs::write(&values, "replicas: 1\nimage:\n  tag: 1.10\n").unwrap();
    ed.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&values)}}),
    );
    let d = ed.diagnostics_for(&uri(&values));
    // `replicas` is now unused: the template's buffer reads `replicaz` instead.
    assert_eq!(
        rules(&d),
        vec!["templates/values-unused", "values/float-version"]
    );
    ed.finish();
}

#[test]
fn code_actions_fix_and_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let c = chart(dir.path());
    let values = c.join("values.yaml");
    let mut ed = Editor::start(dir.path());
    initialize(&mut ed, dir.path());
    let text = "replicas: 1\nimage:\n  tag: 1.10  # pinned\n";
    ed.open(&values, text);
    let d = ed.diagnostics_for(&uri(&values));
    assert_eq!(rules(&d), vec!["values/float-version"]);
    let actions = ed.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&values)},
            "range": d[0]["range"],
            "context": {"diagnostics": d},
        }),
    );
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Quote `tag` (unsafe fix: review it)",
            "Ignore `values/float-version` on this line"
        ]
    );
    let fix = &actions[0]["edit"]["changes"][uri(&values)][0];
    assert_eq!(
        fix["range"],
        json!({"start": {"line": 2, "character": 7}, "end": {"line": 2, "character": 11}})
    );
    assert_eq!(fix["newText"], "\"1.10\"");
    let ignore = &actions[1]["edit"]["changes"][uri(&values)][0];
    assert_eq!(ignore["range"]["start"], json!({"line": 2, "character": 0}));
    assert_eq!(
        ignore["newText"],
        "  # plimsoll-ignore: values/float-version\n"
    );

    // A file with a safe fix: "fix all" on save, and only that with `context.only`.
    let chart_yaml = c.join("Chart.yaml");
    ed.open(
        &chart_yaml,
        "apiVersion: v2\nname: web\nversion: 1.10\nicon: https://example.com/i.png\n",
    );
    let d = ed.diagnostics_for(&uri(&chart_yaml));
    assert_eq!(rules(&d), vec!["chart/version-not-string"]);
    let actions = ed.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&chart_yaml)},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.plimsoll");
    assert_eq!(
        actions[0]["edit"]["changes"][uri(&chart_yaml)],
        json!([{"range": {"start": {"line": 2, "character": 9}, "end": {"line": 2, "character": 13}}, "newText": "1.10.0"}])
    );

    // Applying the ignore edit (as the editor does) silences the finding.
    ed.change(
        &values,
        2,
        "replicas: 1\nimage:\n  # plimsoll-ignore: values/float-version\n  tag: 1.10  # pinned\n",
    );
    assert!(ed.diagnostics_for(&uri(&values)).is_empty());
    // Applying the fix instead keeps it clean: its (empty) findings did not change, so nothing
    // is published for it again.
    ed.change(
        &values,
        3,
        "replicas: 1\nimage:\n  tag: \"1.10\"  # pinned\n",
    );
    let (_, uris) = ed.stats();
    assert!(!uris.contains(&uri(&values)), "{uris:?}");
    assert!(ed.latest[&uri(&values)].is_empty());

    // In a template the comment is a template comment.
    let cm_path = c.join("templates/cm.yaml");
    ed.open(&cm_path, &cm("nope"));
    let d = ed.diagnostics_for(&uri(&cm_path));
    let missing: Vec<&Value> = d
        .iter()
        .filter(|x| x["code"] == "templates/values-key-undeclared")
        .collect();
    assert_eq!(missing.len(), 1, "{d:?}");
    let actions = ed.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&cm_path)}, "range": missing[0]["range"], "context": {"diagnostics": []}}),
    );
    let ignore = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Ignore `templates/values-key-undeclared` on this line")
        .expect("an ignore action");
    let edit = &ignore["edit"]["changes"][uri(&cm_path)][0];
    assert_eq!(
        edit["newText"],
        "  {{- /* plimsoll-ignore: templates/values-key-undeclared */}}\n"
    );
    let ignored = cm("nope").replace(
        "  r:",
        "  {{- /* plimsoll-ignore: templates/values-key-undeclared */}}\n  r:",
    );
    ed.change(&cm_path, 2, &ignored);
    let d = ed.diagnostics_for(&uri(&cm_path));
    assert!(
        !rules(&d).contains(&"templates/values-key-undeclared"),
        "{d:?}"
    );
    ed.finish();
}

#[test]
fn readme_findings_and_their_fix() {
    let dir = tempfile::tempdir().unwrap();
    let c = chart(dir.path());
    let readme = c.join("README.md");
    let text = "| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n| replicas | int | `1` | Pods. |\n| gone | int | `1` | Old. |\n";
    std::fs::write(&readme, "").unwrap();
    let mut ed = Editor::start(dir.path());
    initialize(&mut ed, dir.path());
    ed.open(&readme, text);
    let d = ed.diagnostics_for(&uri(&readme));
    assert_eq!(rules(&d), vec!["docs/stale-key"], "{d:?}");
    let actions = ed.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&readme)}, "range": d[0]["range"], "context": {"diagnostics": d}}),
    );
    // The row can be removed; a Markdown table has no room for an ignore comment.
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    // Paths in titles are relative to the server's working folder.
    assert_eq!(
        actions[0]["title"],
        "Remove the row from web/README.md (unsafe fix: review it)"
    );
    let edit = &actions[0]["edit"]["changes"][uri(&readme)][0];
    assert_eq!(
        edit["range"],
        json!({"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 0}})
    );
    assert_eq!(edit["newText"], "");
    ed.finish();
}

#[test]
fn hover_shows_rule_documentation() {
    let dir = tempfile::tempdir().unwrap();
    let c = chart(dir.path());
    let values = c.join("values.yaml");
    let mut ed = Editor::start(dir.path());
    initialize(&mut ed, dir.path());
    ed.open(
        &values,
        "# plimsoll-ignore: values/string-bool\nreplicas: 1\n",
    );
    ed.diagnostics_for(&uri(&values));
    let h = ed.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&values)}, "position": {"line": 0, "character": 25}}),
    );
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**values/string-bool**"), "{text}");
    assert!(text.contains("## What it does"), "{text}");
    // Elsewhere: nothing.
    let h = ed.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&values)}, "position": {"line": 1, "character": 2}}),
    );
    assert_eq!(h, Value::Null);
    ed.finish();
}

#[test]
fn a_manifest_outside_charts_and_an_unknown_request() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().canonicalize().unwrap().join("deploy.yaml");
    std::fs::write(&m, "").unwrap();
    let mut ed = Editor::start(dir.path());
    initialize(&mut ed, dir.path());
    ed.open(
        &m,
        "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: x\nspec: {}\n",
    );
    let d = ed.diagnostics_for(&uri(&m));
    assert!(rules(&d).contains(&"manifests/api-removed"), "{d:?}");
    // A method the server does not know gets an error, not silence.
    ed.send(json!({"jsonrpc": "2.0", "id": 99, "method": "textDocument/rename", "params": {}}));
    loop {
        let msg = ed.recv();
        if msg["id"] == 99 {
            assert_eq!(msg["error"]["code"], -32601);
            break;
        }
    }
    ed.finish();
}

#[test]
fn exit_without_shutdown_is_code_1_and_eof_ends_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut ed = Editor::start(dir.path());
    initialize(&mut ed, dir.path());
    ed.notify("exit", Value::Null);
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = ed.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(1));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn garbage_is_answered_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut ed = Editor::start(dir.path());
    // Not JSON: a parse error with a null id, and the server keeps reading.
    write!(ed.stdin, "Content-Length: 5\r\n\r\nhello").unwrap();
    ed.stdin.flush().unwrap();
    let msg = ed.recv();
    assert_eq!(msg["error"]["code"], -32700, "{msg}");
    assert_eq!(msg["id"], Value::Null);
    // Requests with parameters of the wrong shape get answers, not a crash.
    initialize(&mut ed, dir.path());
    let r = ed.request(
        "textDocument/codeAction",
        json!({"textDocument": 7, "range": []}),
    );
    assert_eq!(r, json!([]));
    let r = ed.request("textDocument/hover", json!({"textDocument": {"uri": "file:///nonexistent/x.yaml"}, "position": {"line": 99999, "character": 5}}));
    assert_eq!(r, Value::Null);
    ed.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:1", "text": 5}}),
    );
    ed.finish();
}

/// A chart with several templates, a README table and values, written to disk.
fn bigger_chart(dir: &Path) -> std::path::PathBuf {
    let c = chart(dir);
    std::fs::write(
        c.join("values.yaml"),
        "replicas: 1\nimage:\n  tag: \"1.0\"\nport: 80\n",
    )
    .unwrap();
    std::fs::write(
        c.join("templates/svc.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include \"web.name\" . }}\nspec:\n  ports:\n    - port: {{ .Values.port }}\n",
    )
    .unwrap();
    std::fs::write(
        c.join("templates/_helpers.tpl"),
        "{{- define \"web.name\" -}}web{{- end -}}\n",
    )
    .unwrap();
    std::fs::write(c.join("README.md"), README).unwrap();
    c
}

const README: &str = "# web\n\n| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n| replicas | int | `1` | Pods. |\n| image.tag | string | `\"1.0\"` | Tag. |\n| port | int | `80` | Port. |\n";

/// The findings of `plimsoll lint --format json` on `chart`, as the server shows them:
/// (URI, line, character, rule, message), sorted.
fn full_lint(dir: &Path, chart: &Path) -> Vec<(String, u64, u64, String, String)> {
    let out = plimsoll(&["lint", "--format", "json", chart.to_str().unwrap()], dir);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let mut message = d["message"].as_str().unwrap().to_string();
            if let Some(l) = d["label"].as_str() {
                message.push_str(&format!(" ({l})"));
            }
            if let Some(h) = d["help"].as_str() {
                message.push_str(&format!("\nhelp: {h}"));
            }
            (
                uri(&dir.join(d["path"].as_str().unwrap())),
                d["start"]["line"].as_u64().unwrap() - 1,
                d["start"]["column"].as_u64().unwrap() - 1,
                d["rule"].as_str().unwrap().to_string(),
                message,
            )
        })
        .collect();
    all.sort();
    all
}

/// Every finding the server shows now, in the same shape.
fn shown(ed: &Editor) -> Vec<(String, u64, u64, String, String)> {
    let mut all: Vec<_> = ed
        .latest
        .iter()
        .flat_map(|(u, list)| {
            list.iter().map(move |d| {
                (
                    u.clone(),
                    d["range"]["start"]["line"].as_u64().unwrap(),
                    d["range"]["start"]["character"].as_u64().unwrap(),
                    d["code"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    all.sort();
    all
}

#[test]
fn edits_reuse_what_did_not_change_and_match_a_full_lint() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().canonicalize().unwrap();
    let c = bigger_chart(&dir_path);
    let (readme, values, svc) = (
        c.join("README.md"),
        c.join("values.yaml"),
        c.join("templates/svc.yaml"),
    );
    let mut ed = Editor::start(&dir_path);
    initialize(&mut ed, &dir_path);

    // The first lint parses everything and renders.
    ed.open(&readme, README);
    let (s, _) = ed.stats();
    assert_eq!(s["chartsFull"], 1, "{s}");
    assert_eq!(s["chartsRendered"], 1, "{s}");
    assert_eq!(s["templatesParsed"], 3, "{s}");
    // Chart.yaml, values.yaml and the two rendered manifests.
    assert_eq!(s["yamlParsed"], 4, "{s}");
    assert_eq!(shown(&ed), full_lint(&dir_path, &c));

    // A README edit: only the README rules run; nothing is parsed or rendered again.
    let stale = format!("{README}| gone | int | `1` | Old. |\n");
    ed.change(&readme, 2, &stale);
    let (s, uris) = ed.stats();
    assert_eq!(s["chartsReadmeOnly"], 1, "{s}");
    assert_eq!(s["chartsFull"], 0, "{s}");
    assert_eq!(s["chartsRendered"], 0, "{s}");
    // Of the chart's six files, only the README is decoded again.
    assert_eq!(s["filesDecoded"], 1, "{s}");
    assert_eq!(s["filesReused"], 5, "{s}");
    assert_eq!(s["templatesParsed"], 0, "{s}");
    assert_eq!(s["yamlParsed"], 0, "{s}");
    // Only the README's findings changed, so only they are published.
    assert_eq!(uris, vec![uri(&readme)], "{s}");
    assert_eq!(
        rules(&ed.latest[&uri(&readme)]),
        vec!["docs/stale-key"],
        "{:?}",
        ed.latest
    );
    std::fs::write(&readme, &stale).unwrap();
    assert_eq!(shown(&ed), full_lint(&dir_path, &c));

    // An edit that changes no finding publishes nothing.
    let same = stale.replace("# web", "# web chart");
    ed.change(&readme, 3, &same);
    let (s, uris) = ed.stats();
    assert_eq!(s["chartsReadmeOnly"], 1, "{s}");
    assert!(uris.is_empty(), "{uris:?}");
    assert_eq!(s["published"], 0, "{s}");

    // A template edit: that template alone is parsed again; the chart is linted in full.
    let svc_text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include \"web.name\" . }}\nspec:\n  ports:\n    - port: {{ .Values.portz }}\n";
    ed.open(&svc, svc_text);
    let (s, _) = ed.stats();
    assert_eq!(s["chartsFull"], 1, "{s}");
    assert_eq!(s["templatesParsed"], 1, "{s}");
    assert_eq!(s["templatesReused"], 2, "{s}");
    // Of the YAML, only what the edited template renders is new.
    assert_eq!(s["yamlParsed"], 1, "{s}");
    assert_eq!(s["yamlReused"], 3, "{s}");
    assert!(
        rules(&ed.latest[&uri(&svc)]).contains(&"templates/values-path-missing"),
        "{:?}",
        ed.latest
    );

    // A values edit: values.yaml alone is parsed again.
    let values_text = "replicas: 1\nimage:\n  tag: 1.10\nportz: 80\n";
    ed.open(&values, values_text);
    let (s, _) = ed.stats();
    assert_eq!(s["chartsFull"], 1, "{s}");
    assert_eq!(s["templatesParsed"], 0, "{s}");
    // values.yaml and the ConfigMap that renders its image differently; Chart.yaml and the
    // Service (rendered as in the first lint again) are reused.
    assert_eq!(s["yamlParsed"], 2, "{s}");
    assert_eq!(s["yamlReused"], 2, "{s}");

    // Every buffer written: the server shows what a full lint of the files finds, and the
    // files that became clean were cleared.
    std::fs::write(&svc, svc_text).unwrap();
    std::fs::write(&values, values_text).unwrap();
    assert_eq!(shown(&ed), full_lint(&dir_path, &c));
    ed.finish();
}

#[test]
fn a_readme_edit_renders_again_only_when_the_render_read_the_readme() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().canonicalize().unwrap();
    let c = bigger_chart(&dir_path);
    // A template reads another file through `.Files`: the README's text cannot change the
    // render.
    std::fs::write(c.join("conf.txt"), "a=1\n").unwrap();
    std::fs::write(
        c.join("templates/conf.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n  conf: {{ .Files.Get \"conf.txt\" | quote }}\n",
    )
    .unwrap();
    let readme = c.join("README.md");
    let mut ed = Editor::start(&dir_path);
    initialize(&mut ed, &dir_path);
    ed.open(&readme, README);
    let (s, _) = ed.stats();
    assert_eq!(s["chartsFull"], 1, "{s}");
    ed.change(&readme, 2, &format!("{README}\nMore words.\n"));
    let (s, _) = ed.stats();
    assert_eq!(s["chartsReadmeOnly"], 1, "{s}");
    assert_eq!(s["chartsRendered"], 0, "{s}");

    // A new template, not saved yet, reads the README: an edit of it now changes what the
    // chart renders, so it renders again.
    let cron = c.join("templates/cron.yaml");
    let cron_text = "{{- if contains \"legacy\" (.Files.Get \"README.md\") }}\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: x\nspec: {}\n{{- end }}\n";
    ed.open(&cron, cron_text);
    let (s, _) = ed.stats();
    assert_eq!(s["chartsFull"], 1, "{s}");
    assert!(ed.latest[&uri(&cron)].is_empty(), "{:?}", ed.latest);
    let legacy = format!("{README}\nThe legacy CronJob API is used.\n");
    ed.change(&readme, 3, &legacy);
    let (s, _) = ed.stats();
    assert_eq!(s["chartsReadmeOnly"], 1, "{s}");
    assert_eq!(s["chartsRendered"], 1, "{s}");
    assert!(
        rules(&ed.latest[&uri(&cron)]).contains(&"manifests/api-removed"),
        "{:?}",
        ed.latest
    );
    // The same as a full lint of the same text.
    std::fs::write(&readme, &legacy).unwrap();
    std::fs::write(&cron, cron_text).unwrap();
    assert_eq!(shown(&ed), full_lint(&dir_path, &c));
    ed.finish();
}
