//! Kubernetes object-name formats.

/// RFC 1123 subdomain: lowercase alphanumerics, `-` and `.`, starting and ending alphanumeric,
/// at most 253 characters (Secret, ConfigMap, most object names).
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(|label| is_label_chars(label, 63))
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
        assert_eq!(
            subdomain_problem("-keycloak-backend"),
            "it starts with a character other than a letter or digit"
        );
    }
}
