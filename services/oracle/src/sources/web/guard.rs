//! The SSRF guard: which hosts a node may fetch from.
//!
//! A request's URL is chosen by whoever posts it, so without a guard a node would fetch its own
//! admin API, its RPC endpoint or the cloud's metadata service (`169.254.169.254`) for them. The
//! guard refuses every address that is not publicly routable, at two places:
//! - **IP literals** in the URL (the first one and every redirect's `Location`): checked by
//!   [`check_url`], from the redirect policy too;
//! - **names**: [`GuardedResolver`] is the client's DNS resolver, so every connection, the first
//!   and each redirect's, uses addresses it checked. A name that resolves to any non-public
//!   address is refused whole, and since the connection uses exactly the checked addresses, a
//!   second resolution cannot swap in a private one (DNS rebinding).
//!
//! The client uses no proxy (a proxy would resolve names itself, out of the guard's sight).

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::{
    collections::BTreeSet,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};
use url::{Host, Url};

/// Why the guard refused a host (carried through reqwest's error chain and recognised there).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Blocked {
    /// The host is or resolves to an address that is not publicly routable.
    #[error("{host} is or resolves to a non-public address ({addr}); set allow_private_hosts to fetch it")]
    PrivateAddress {
        /// The host as the URL names it.
        host: String,
        /// The offending address.
        addr: IpAddr,
    },
    /// A redirect leads to a scheme other than http(s).
    #[error("redirect to a non-http(s) URL: {0}")]
    Scheme(String),
    /// Too many redirects.
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
}

/// What the guard lets through.
#[derive(Debug, Clone, Default)]
pub(crate) struct Policy {
    /// Every address is allowed (tests, or a node fetching an intranet on purpose).
    pub(crate) allow_private: bool,
    /// Hosts allowed whatever they resolve to (lowercase names or IP literals as URLs write them).
    pub(crate) allowed_hosts: BTreeSet<String>,
}

impl Policy {
    fn exempt(&self, host: &str) -> bool {
        self.allow_private || self.allowed_hosts.contains(&host.to_ascii_lowercase())
    }

    /// Refuses `addr` for `host` unless it is public or the host is exempt.
    fn check(&self, host: &str, addr: IpAddr) -> Result<(), Blocked> {
        if self.exempt(host) || is_public(addr) {
            Ok(())
        } else {
            Err(Blocked::PrivateAddress { host: host.to_owned(), addr })
        }
    }
}

/// Checks a URL's host when it is an IP literal (names are checked when they are resolved).
pub(crate) fn check_url(policy: &Policy, url: &Url) -> Result<(), Blocked> {
    let addr = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(Host::Domain(_)) | None => return Ok(()),
    };
    policy.check(url.host_str().unwrap_or_default(), addr)
}

/// The client's redirect policy: at most `max` hops, each to http(s) and a checked host.
pub(crate) fn redirect_policy(policy: Arc<Policy>, max: usize) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > max {
            return attempt.error(Blocked::TooManyRedirects(max));
        }
        let url = attempt.url();
        if !matches!(url.scheme(), "http" | "https") {
            let url = url.to_string();
            return attempt.error(Blocked::Scheme(url));
        }
        match check_url(&policy, url) {
            Ok(()) => attempt.follow(),
            Err(e) => attempt.error(e),
        }
    })
}

/// The client's DNS resolver: the system's (`getaddrinfo`, through tokio), keeping a name only
/// when every address it resolves to passes the policy.
#[derive(Debug)]
pub(crate) struct GuardedResolver(pub(crate) Arc<Policy>);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.0);
        Box::pin(async move {
            let host = name.as_str().to_owned();
            // port 0: the connector sets the URL's port on each address it returns
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for addr in &addrs {
                policy.check(&host, addr.ip())?;
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Whether `addr` is publicly routable: not loopback, private (RFC 1918, unique local),
/// link-local, unspecified, shared (CGNAT), benchmarking, documentation, reserved, broadcast or
/// multicast; IPv6 forms embedding an IPv4 address (mapped, compatible, NAT64, 6to4) are judged
/// by the embedded address.
pub(crate) fn is_public(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0 // "this network"
        || (a == 100 && (b & 0xc0) == 64) // shared address space (CGNAT), 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments, 192.0.0.0/24
        || (a == 198 && (b & 0xfe) == 18) // benchmarking, 198.18.0.0/15
        || a >= 240) // reserved, 240.0.0.0/4
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match segments {
        // IPv4-compatible (deprecated) ::a.b.c.d
        [0, 0, 0, 0, 0, 0, hi, lo] if hi != 0 => is_public_v4(embedded(hi, lo)),
        // NAT64 64:ff9b::/96, and 6to4 2002::/16 (the IPv4 address in the next 32 bits)
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] | [0x2002, hi, lo, ..] => is_public_v4(embedded(hi, lo)),
        _ => {
            !(ip.is_unspecified()
                || ip.is_loopback()
                || ip.is_multicast()
                || ip.is_unique_local()
                || ip.is_unicast_link_local()
                || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
                || (segments[0] & 0xffc0) == 0xfec0) // site-local (deprecated)
        }
    }
}

/// The guard's refusal in `error`'s source chain, if that is why it failed.
pub(crate) fn blocked_in<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Blocked> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(blocked) = e.downcast_ref::<Blocked>() {
            return Some(blocked);
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "198.18.0.1",
            "192.0.2.1",
            "255.255.255.255",
            "240.0.0.1",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} must not be public");
        }
        for ip in ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"] {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn ip_literals_are_checked_and_exemptions_apply() {
        let strict = Policy::default();
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(check_url(&strict, &url("http://127.0.0.1:8080/")).is_err());
        assert!(check_url(&strict, &url("http://[::1]/")).is_err());
        assert!(check_url(&strict, &url("http://1.1.1.1/")).is_ok());
        assert!(check_url(&strict, &url("http://example.com/")).is_ok(), "names are checked at resolution");
        let exempt = Policy { allowed_hosts: ["127.0.0.1".to_owned()].into(), ..Policy::default() };
        assert!(check_url(&exempt, &url("http://127.0.0.1:8080/")).is_ok());
        assert!(check_url(&exempt, &url("http://127.0.0.2/")).is_err());
        let open = Policy { allow_private: true, ..Policy::default() };
        assert!(check_url(&open, &url("http://10.0.0.1/")).is_ok());
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_of_private_addresses() {
        let strict = GuardedResolver(Arc::new(Policy::default()));
        let err = strict.resolve("localhost".parse().unwrap()).await.err().expect("localhost is refused");
        assert!(matches!(blocked_in(err.as_ref()), Some(Blocked::PrivateAddress { .. })), "{err}");
        let open = GuardedResolver(Arc::new(Policy { allow_private: true, ..Policy::default() }));
        let addrs: Vec<_> = open.resolve("localhost".parse().unwrap()).await.unwrap().collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    }
}
