//! Kubernetes object-name formats.

/// RFC 1123 subdomain: lowercase alphanumerics, `-` and `.`, starting and ending alphanumeric,
/// at most 253 characters (Secret, ConfigMap, most object names). As in Kubernetes, the parts
/// between dots have no length limit of their own.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(|label| is_label_chars(label, 253))
}

/// RFC 1123 label: like a subdomain without dots, at most 63 characters.
pub fn is_dns1123_label(s: &str) -> bool {
    is_label_chars(s, 63)
}

fn is_label_chars(s: &str, max: usize) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= max
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Why a name is not a subdomain, in words.
pub fn subdomain_problem(s: &str) -> &'static str {
    if s.is_empty() {
        "it is empty"
    } else if s.len() > 253 {
        "it is longer than 253 characters"
    } else if s.bytes().any(|c| c.is_ascii_uppercase()) {
        "it has uppercase letters"
    } else if s.starts_with(['-', '.']) {
        "it starts with a character other than a letter or digit"
    } else if s.ends_with(['-', '.']) {
        "it ends with a character other than a letter or digit"
    } else if s.contains("..") {
        "it has an empty part between dots"
    } else {
        "only lowercase letters, digits, '-' and '.' are allowed"
    }
}

/// RFC 1035 label (Service names): like an RFC 1123 label, but starting with a letter.
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Why `s` is not an RFC 1123 label (or, with `letter_first`, an RFC 1035 label), in words;
/// `None` when it is one.
pub fn label_problem(s: &str, letter_first: bool) -> Option<String> {
    let ok = if letter_first {
        is_dns1035_label(s)
    } else {
        is_dns1123_label(s)
    };
    if ok {
        return None;
    }
    Some(if s.is_empty() {
        "it is empty".to_string()
    } else if s.len() > 63 {
        format!("it is {} characters long, more than 63", s.len())
    } else if s.bytes().any(|c| c.is_ascii_uppercase()) {
        "it has uppercase letters".to_string()
    } else if s.contains('.') {
        "it contains '.', which is not allowed here".to_string()
    } else if letter_first && !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        "it does not start with a letter".to_string()
    } else if s.starts_with('-') {
        "it starts with '-'".to_string()
    } else if s.ends_with('-') {
        "it ends with '-'".to_string()
    } else {
        "only lowercase letters, digits and '-' are allowed".to_string()
    })
}

/// The rule Kubernetes applies to `metadata.name` of an object of `kind` (the table
/// `helm lint` uses): `None` when the kind has no rule plimsoll knows or the name passes,
/// else why the name is rejected.
pub fn object_name_problem(kind: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_string());
    }
    match kind {
        "Service" => label_problem(name, true).map(|p| format!("{p} (a Service name is an RFC 1035 label: a lowercase letter first, then lowercase letters, digits and '-', at most 63 characters)")),
        "Namespace" => label_problem(name, false).map(|p| format!("{p} (a Namespace name is an RFC 1123 label: lowercase letters, digits and '-', at most 63 characters)")),
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            path_segment_problem(name).map(str::to_string)
        }
        "CertificateSigningRequest" => None,
        _ => {
            if !is_dns1123_subdomain(name) {
                return Some(format!(
                    "{} (an object name is an RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)",
                    subdomain_problem(name)
                ));
            }
            match kind {
                // Jobs take the CronJob's name plus an 11-character suffix, and a Job's name
                // becomes the value of its pods' `job-name` label.
                "CronJob" if name.len() > 52 => Some(format!(
                    "it is {} characters long, and a CronJob name may have at most 52",
                    name.len()
                )),
                "Job" if name.len() > 63 => Some(format!(
                    "it is {} characters long, and a Job name becomes the label value `job-name`, which may have at most 63",
                    name.len()
                )),
                _ => None,
            }
        }
    }
}

/// Names of RBAC objects may be anything usable as one segment of a URL path.
pub fn path_segment_problem(name: &str) -> Option<&'static str> {
    if name == "." || name == ".." {
        Some("`.` and `..` are not allowed")
    } else if name.contains('/') {
        Some("it contains '/'")
    } else if name.contains('%') {
        Some("it contains '%'")
    } else {
        None
    }
}

/// Whether `s` is a label name part or a label value: at most 63 characters of letters,
/// digits, `-`, `_` and `.`, starting and ending with a letter or digit.
fn qualified_part_problem(s: &str, what: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() > 63 {
        return Some(format!(
            "the {what} is {} characters long, more than 63",
            b.len()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!("the {what} contains {c:?}, which is not allowed"));
    }
    if !b.is_empty() && (!b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric()) {
        return Some(format!(
            "the {what} must start and end with a letter or digit"
        ));
    }
    None
}

/// Why a label (or annotation) key is rejected: an optional RFC 1123 subdomain prefix of at
/// most 253 characters and `/`, then a name of at most 63 characters of letters, digits, `-`,
/// `_` and `.`, starting and ending with a letter or digit.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            return Some("the prefix before '/' is empty".to_string());
        }
        if !is_dns1123_subdomain(p) {
            return Some(format!(
                "the prefix `{p}` is not a DNS subdomain: {}",
                subdomain_problem(p)
            ));
        }
    }
    if name.is_empty() {
        return Some("the name part is empty".to_string());
    }
    if name.contains('/') {
        return Some("it has more than one '/'".to_string());
    }
    qualified_part_problem(name, "name part")
}

/// Why a label value is rejected: it may be empty, else at most 63 characters of letters,
/// digits, `-`, `_` and `.`, starting and ending with a letter or digit.
pub fn label_value_problem(value: &str) -> Option<String> {
    qualified_part_problem(value, "value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_dns1123_subdomain("license.cert.pass"));
        assert!(!is_dns1123_subdomain("-keycloak-backend"));
        assert!(!is_dns1123_subdomain("Keycloak"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(is_dns1123_label("kpc-conf-vol"));
        assert!(!is_dns1123_label("a.b"));
        assert!(is_dns1123_subdomain(&"a".repeat(70)));
        assert!(!is_dns1123_subdomain(&"a".repeat(254)));
        assert!(is_dns1035_label("web-1"));
        assert!(!is_dns1035_label("1web"));
        assert_eq!(
            subdomain_problem("-keycloak-backend"),
            "it starts with a character other than a letter or digit"
        );
    }

    #[test]
    fn object_names_by_kind() {
        assert_eq!(object_name_problem("ConfigMap", "a.b-c"), None);
        assert!(object_name_problem("Service", "a.b").is_some());
        assert!(object_name_problem("Service", "1web").is_some());
        assert_eq!(object_name_problem("Service", "web"), None);
        assert!(object_name_problem("Namespace", "a.b").is_some());
        assert_eq!(
            object_name_problem("ClusterRole", "system:controller:Web"),
            None
        );
        assert!(object_name_problem("RoleBinding", "a/b").is_some());
        assert!(object_name_problem("Deployment", "").is_some());
        assert!(object_name_problem("Deployment", "Web").is_some());
        assert!(object_name_problem("Deployment", "-web").is_some());
        assert!(object_name_problem("CronJob", &"a".repeat(53)).is_some());
        assert_eq!(object_name_problem("CronJob", &"a".repeat(52)), None);
        assert!(object_name_problem("Job", &"a".repeat(64)).is_some());
        assert_eq!(object_name_problem("Deployment", &"a".repeat(64)), None);
        assert_eq!(
            object_name_problem("CertificateSigningRequest", "A B"),
            None
        );
    }

    #[test]
    fn label_keys_and_values() {
        assert_eq!(label_key_problem("app"), None);
        assert_eq!(label_key_problem("app.kubernetes.io/name"), None);
        assert_eq!(label_key_problem("Team_Name.v2"), None);
        assert!(label_key_problem("/name").is_some());
        assert!(label_key_problem("example.com/").is_some());
        assert!(label_key_problem("Example.com/name").is_some());
        assert!(label_key_problem("a/b/c").is_some());
        assert!(label_key_problem("-app").is_some());
        assert!(label_key_problem(&"a".repeat(64)).is_some());
        assert_eq!(label_key_problem(&format!("{}/a", "b".repeat(200))), None);
        assert_eq!(label_value_problem(""), None);
        assert_eq!(label_value_problem("1.2.3_rc-1"), None);
        assert!(label_value_problem("1.2.3+build").is_some());
        assert!(label_value_problem("v1-").is_some());
        assert!(label_value_problem("a b").is_some());
        assert!(label_value_problem(&"a".repeat(64)).is_some());
    }
}
