//! URL, host and image-reference checks without network access.

/// Why a host name is invalid, or `None` when it is a valid DNS name, IPv4/IPv6 address,
/// or wildcard domain (`*.example.com`).
pub fn check_host(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some("the host is empty".into());
    }
    if host.starts_with('[') && host.ends_with(']') {
        return host[1..host.len() - 1]
            .parse::<std::net::Ipv6Addr>()
            .err()
            .map(|_| "not a valid IPv6 address".into());
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    let body = host
        .strip_prefix("*.")
        .unwrap_or(host)
        .trim_end_matches('.');
    if body.len() > 253 {
        return Some("longer than 253 characters".into());
    }
    for label in body.split('.') {
        if label.is_empty() {
            return Some("it has an empty label".into());
        }
        if label.len() > 63 {
            return Some(format!("the label `{label}` is longer than 63 characters"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Some(format!(
                "the label `{label}` has characters other than letters, digits and '-'"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!("the label `{label}` starts or ends with '-'"));
        }
    }
    None
}

/// Why a URL with a scheme is invalid, or `None`.
pub fn check_url(url: &str) -> Option<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Some(format!("`{url}` has no scheme"));
    };
    if scheme.is_empty()
        || !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return Some(format!("`{scheme}` is not a URL scheme"));
    }
    if url.contains(char::is_whitespace) {
        return Some(format!("`{url}` contains white space"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hosts = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    if hosts.is_empty() {
        if scheme == "file" {
            return None;
        }
        return Some(format!("`{url}` has no host"));
    }
    // mongodb://a:27017,b:27017 lists several hosts.
    for hp in hosts.split(',') {
        let (host, port) = if hp.starts_with('[') {
            match hp.find(']') {
                Some(i) => (&hp[..=i], hp[i + 1..].strip_prefix(':')),
                None => return Some(format!("`{hp}` has an unclosed IPv6 bracket")),
            }
        } else {
            match hp.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hp, None),
            }
        };
        if let Some(p) = check_host(host) {
            return Some(format!("the host `{host}` of `{url}` is invalid: {p}"));
        }
        if let Some(port) = port
            && !(port.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n)))
        {
            return Some(format!("the port `{port}` of `{url}` is not a port number"));
        }
    }
    None
}

/// Why an image repository (or full reference, when `allow_tag`) is invalid, or `None`.
pub fn check_image(image: &str, allow_tag: bool) -> Option<String> {
    if image.contains(char::is_whitespace) {
        return Some("it contains white space".into());
    }
    let (name, _digest) = match image.split_once('@') {
        Some((n, d)) if allow_tag => (n, Some(d)),
        Some(_) => {
            return Some("a repository has no digest; put it in the tag or digest value".into());
        }
        None => (image, None),
    };
    let (name, tag) = match name.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (name, None),
    };
    if let Some(t) = tag {
        if !allow_tag {
            return Some(format!(
                "the repository includes the tag `{t}`; put it in the tag value"
            ));
        }
        if t.is_empty()
            || t.len() > 128
            || !t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            || !t
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        {
            return Some(format!("`{t}` is not a valid tag"));
        }
    }
    if name.is_empty() {
        return Some("the repository is empty".into());
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let registry = parts.remove(0);
        let host = registry
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or(registry);
        if let Some(p) = check_host(host) {
            return Some(format!("the registry `{registry}` is invalid: {p}"));
        }
    }
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() {
            return Some(if i + 1 == parts.len() {
                "it ends with '/'".into()
            } else {
                "it has an empty path component ('//')".into()
            });
        }
        if !valid_component(p) {
            return Some(format!(
                "the path component `{p}` must be lowercase letters and digits separated by '.', '_', '__' or '-'"
            ));
        }
    }
    None
}

fn valid_component(p: &str) -> bool {
    let b = p.as_bytes();
    if !b[0].is_ascii_lowercase() && !b[0].is_ascii_digit() {
        return false;
    }
    if !b[b.len() - 1].is_ascii_lowercase() && !b[b.len() - 1].is_ascii_digit() {
        return false;
    }
    b.iter()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_hosts_images() {
        assert!(check_url("mongodb://-:27017").is_some());
        assert!(check_url("nats://-:4222").is_some());
        assert!(
            check_url("mongodb://user:pw@db-0.db:27017,db-1.db:27017/app?replicaSet=rs0").is_none()
        );
        assert!(check_url("http://tekton").is_none());
        assert!(check_url("https://[::1]:8443/x").is_none());
        assert!(check_url("http://host:99999").is_some());
        assert!(check_host("*.example.com").is_none());
        assert!(check_host("-").is_some());
        assert_eq!(
            check_image("dev-hub.kaaiot.net/core/service//", false).as_deref(),
            Some("it has an empty path component ('//')")
        );
        assert_eq!(
            check_image("registry.example.com/app/", false).as_deref(),
            Some("it ends with '/'")
        );
        assert!(check_image("dev-hub.kaaiot.net/core//service", false).is_some());
        assert!(
            check_image(
                "dev-hub.kaaiot.net/devops/docker/alpine-curl-jq/alpine-curl-jq",
                false
            )
            .is_none()
        );
        assert!(check_image("localhost:5000/app:1.0", true).is_none());
        assert!(check_image("Nginx", false).is_some());
        assert!(check_image("nginx:1.27", false).is_some());
        assert!(check_image("nginx@sha256:abc", true).is_none());
    }
}
