//! Downloading a file a shopper names by URL (uploadFileFromUrl) without letting the URL reach
//! inside: the host is resolved once, every address is checked against the non-public ranges
//! (IPv4 spelled inside IPv6 included), the connection goes to exactly the checked addresses, and
//! each redirect is checked the same way before it is followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::service::error::{Error, Result};
use crate::service::upload::limit_text;

/// Redirects followed at most (each one checked like the first URL).
const MAX_REDIRECTS: usize = 3;
/// The whole download, and separately the name lookup, may take this long.
const TIMEOUT: Duration = Duration::from_secs(10);

/// IPv4 ranges that are not the public internet (IANA special-purpose registry and multicast).
const V4_NOT_PUBLIC: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::UNSPECIFIED, 8),           // "this network"
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // carrier-grade NAT
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local (cloud metadata lives here)
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // 6to4 relay anycast
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, with 255.255.255.255 broadcast
];

/// IPv6 ranges that are not the public internet and hold no IPv4 address worth unwrapping.
/// (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96 and 6to4 are unwrapped in `is_public`.)
const V6_NOT_PUBLIC: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0, 0, 0, 0, 0xffff, 0, 0, 0), 96), // IPv4-translated
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48), // local-use NAT64
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64),  // discard-only
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF protocol assignments (Teredo...)
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation
    (Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0), 16), // segment routing
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),  // unique local
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10), // link-local
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10), // site-local
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),  // multicast
];

fn in_v4(ip: Ipv4Addr, (net, bits): (Ipv4Addr, u8)) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
    u32::from(ip) & mask == u32::from(net) & mask
}

fn in_v6(ip: Ipv6Addr, (net, bits): (Ipv6Addr, u8)) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

/// True only for an address on the public internet: every spelling of a private, loopback,
/// link-local, reserved or multicast address is refused, IPv4 carried inside IPv6 included.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => !V4_NOT_PUBLIC.iter().any(|&r| in_v4(a, r)),
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let low_v4 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
            // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d; :: and ::1 fall in 0/8).
            if bits >> 32 == 0xffff || bits >> 32 == 0 {
                return is_public(IpAddr::V4(low_v4));
            }
            // NAT64 well-known prefix: the gateway connects to the IPv4 address inside.
            if in_v6(a, (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96)) {
                return is_public(IpAddr::V4(low_v4));
            }
            // 6to4: a relay tunnels to the IPv4 address in bits 16..48.
            if in_v6(a, (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16)) {
                #[allow(clippy::cast_possible_truncation)] // the low 32 bits are the address
                return is_public(IpAddr::V4(Ipv4Addr::from((bits >> 80) as u32)));
            }
            // Only 2000::/3 is allocated as global unicast; within it, the special ranges above.
            in_v6(a, (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3))
                && !V6_NOT_PUBLIC.iter().any(|&r| in_v6(a, r))
        }
    }
}

/// An http(s) URL taken apart: the host as the URL spells it, and the port.
#[derive(Debug)]
struct Target {
    uri: Uri,
    host: String,
    port: u16,
}

fn bad_url(reason: &'static str) -> Error {
    Error::invalid("remoteFileUrl", reason)
}

fn target(url: &str) -> Result<Target> {
    let uri: Uri = url.parse().map_err(|_| bad_url("不是有效的网址"))?;
    let port = match uri.scheme_str() {
        Some("http") => 80,
        Some("https") => 443,
        _ => return Err(bad_url("只支持 http 或 https 地址")),
    };
    let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(|| bad_url("缺少主机名"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = uri.port_u16().unwrap_or(port);
    Ok(Target { uri, host, port })
}

/// Resolves the host once (an IP literal is taken as is), within [`TIMEOUT`].
fn resolve(t: &Target) -> Result<Vec<SocketAddr>> {
    if let Ok(ip) = t.host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, t.port)]);
    }
    let (tx, rx) = mpsc::sync_channel(1);
    let name = (t.host.clone(), t.port);
    // A stuck lookup cannot be cancelled; the thread ends when the system gives up.
    std::thread::spawn(move || tx.send(name.to_socket_addrs().map(Iterator::collect::<Vec<_>>)));
    match rx.recv_timeout(TIMEOUT) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(_) => Err(Error::Upstream("无法解析远程文件的主机名".into())),
        Err(_) => Err(Error::Upstream("解析远程文件的主机名超时".into())),
    }
}

/// The addresses a URL may be fetched from: all of them public, unless `allow_private` (tests).
fn checked_addresses(t: &Target, allow_private: bool) -> Result<Vec<SocketAddr>> {
    let addrs = resolve(t)?;
    if !allow_private && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(bad_url("不允许访问内网地址"));
    }
    Ok(addrs)
}

/// A resolver that answers only the host it was made for, with the addresses already checked:
/// the connection cannot go anywhere a second lookup would say.
#[derive(Debug)]
struct Pinned {
    host: String,
    addrs: Vec<SocketAddr>,
}

impl Resolver for Pinned {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
        if host != self.host {
            return Err(ureq::Error::HostNotFound);
        }
        let mut out = self.empty();
        for a in &self.addrs {
            if out.try_push(*a).is_err() {
                break;
            }
        }
        Ok(out)
    }
}

/// The next URL of a redirect: absolute, scheme-relative or a path on the same host.
fn redirect_target(from: &Target, location: &str) -> Result<String> {
    let invalid = || Error::Upstream("远程文件的重定向地址无效".into());
    if location.starts_with("http://") || location.starts_with("https://") {
        return Ok(location.to_string());
    }
    let scheme = from.uri.scheme_str().ok_or_else(invalid)?;
    if let Some(rest) = location.strip_prefix("//") {
        return Ok(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        let authority = from.uri.authority().ok_or_else(invalid)?;
        return Ok(format!("{scheme}://{authority}{location}"));
    }
    Err(invalid())
}

/// Downloads `url` (10 s, at most `max_bytes`, up to 3 redirects each checked again); blocking.
pub fn download(url: &str, max_bytes: u64, allow_private: bool) -> Result<Vec<u8>> {
    let mut current = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        let t = target(&current)?;
        let addrs = checked_addresses(&t, allow_private)?;
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            // A proxy would resolve the name itself, behind the check.
            .proxy(None)
            .build();
        let agent =
            ureq::Agent::with_parts(config, DefaultConnector::new(), Pinned { host: t.host.clone(), addrs });
        let mut resp = agent.get(t.uri.clone()).call().map_err(|e| match e {
            ureq::Error::Timeout(_) => Error::Upstream("下载远程文件超时".into()),
            other => Error::Upstream(format!("下载远程文件失败：{other}").into()),
        })?;
        let status = resp.status().as_u16();
        if (300..400).contains(&status) {
            let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
            current = redirect_target(&t, location)?;
            continue;
        }
        if status != 200 {
            return Err(Error::Upstream(format!("远程文件返回 HTTP {status}").into()));
        }
        return resp.body_mut().with_config().limit(max_bytes + 1).read_to_vec().map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => {
                Error::TooLarge { what: "远程文件", limit: limit_text(max_bytes) }
            }
            other => Error::Upstream(format!("读取远程文件失败：{other}").into()),
        });
    }
    Err(Error::Upstream("远程文件重定向次数过多".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        let table: &[(&str, bool)] = &[
            // IPv4
            ("8.8.8.8", true),
            ("1.1.1.1", true),
            ("223.5.5.5", true),
            ("100.63.255.255", true),
            ("100.128.0.0", true),
            ("172.15.255.255", true),
            ("172.32.0.0", true),
            ("198.17.255.255", true),
            ("198.20.0.0", true),
            ("223.255.255.255", true),
            ("0.0.0.0", false),
            ("0.1.2.3", false),
            ("10.1.2.3", false),
            ("100.64.0.1", false),
            ("100.127.255.255", false),
            ("127.0.0.1", false),
            ("127.255.255.254", false),
            ("169.254.169.254", false),
            ("172.16.0.1", false),
            ("172.31.255.255", false),
            ("192.0.0.8", false),
            ("192.0.2.1", false),
            ("192.88.99.1", false),
            ("192.168.1.1", false),
            ("198.18.0.1", false),
            ("198.19.255.255", false),
            ("198.51.100.7", false),
            ("203.0.113.9", false),
            ("224.0.0.1", false),
            ("239.255.255.250", false),
            ("240.0.0.1", false),
            ("255.255.255.255", false),
            // IPv6
            ("2606:4700:4700::1111", true),
            ("2400:3200::1", true),
            ("2001:4860:4860::8888", true),
            ("::", false),
            ("::1", false),
            ("::127.0.0.1", false),
            ("::7f00:1", false),
            ("::10.0.0.1", false),
            ("::8.8.8.8", true),
            ("::ffff:127.0.0.1", false),
            ("::ffff:169.254.169.254", false),
            ("::ffff:192.168.0.1", false),
            ("::ffff:8.8.8.8", true),
            ("::ffff:0:127.0.0.1", false),
            ("::ffff:0:8.8.8.8", false),
            ("64:ff9b::127.0.0.1", false),
            ("64:ff9b::10.0.0.1", false),
            ("64:ff9b::8.8.8.8", true),
            ("64:ff9b:1::8.8.8.8", false),
            ("100::1", false),
            ("2001::1", false),
            ("2001:0:4136:e378::1", false),
            ("2001:1ff:ffff::1", false),
            ("2001:200::1", true),
            ("2001:db8::1", false),
            ("2002:7f00:1::", false),
            ("2002:a00:1::1", false),
            ("2002:c0a8:101::1", false),
            ("2002:808:808::1", true),
            ("3fff::1", false),
            ("5f00::1", false),
            ("fc00::1", false),
            ("fd12:3456::1", false),
            ("fe80::1", false),
            ("febf::1", false),
            ("fec0::1", false),
            ("ff02::1", false),
            ("ff0e::1", false),
            ("4000::1", false),
            ("1::1", false),
        ];
        for (text, public) in table {
            let ip: IpAddr = text.parse().unwrap();
            assert_eq!(is_public(ip), *public, "{text}");
        }
    }

    #[test]
    fn urls_are_taken_apart_as_the_client_will_read_them() {
        let t = target("http://[::127.0.0.1]:8080/x.png").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::127.0.0.1", 8080));
        assert!(!is_public(t.host.parse().unwrap()));
        let t = target("https://user:pw@example.com/a?b=c").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("example.com", 443));
        for bad in
            ["ftp://example.com/x.png", "file:///etc/passwd", "example.com/x.png", "http:///x", "http://a b/"]
        {
            assert!(target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn non_public_literals_are_refused_before_any_connection() {
        for url in [
            "http://127.0.0.1/x.png",
            "http://10.1.2.3/x.png",
            "http://[::1]:8080/x.png",
            "http://[::127.0.0.1]/x.png",
            "http://[::ffff:127.0.0.1]/x.png",
            "http://[64:ff9b::a00:1]/x.png",
            "http://[2002:7f00:1::]/x.png",
            "http://198.18.0.1/x.png",
            "http://0.0.0.0/x.png",
            "http://224.0.0.1/x.png",
        ] {
            let e = checked_addresses(&target(url).unwrap(), false).unwrap_err();
            assert!(matches!(e, Error::Invalid { .. }), "{url}: {e}");
        }
        assert!(checked_addresses(&target("http://127.0.0.1/x.png").unwrap(), true).is_ok());
        // A name is judged by what it resolves to (localhost comes from the hosts file, no network).
        let e = checked_addresses(&target("http://localhost:8080/x.png").unwrap(), false).unwrap_err();
        assert!(e.to_string().contains("内网"), "{e}");
    }

    /// A one-shot HTTP server on loopback answering `body` once.
    fn loopback_server(body: &'static str) -> u16 {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf);
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(answer.as_bytes());
            }
        });
        port
    }

    #[test]
    fn the_connection_goes_to_the_checked_address_and_only_for_the_checked_host() {
        let port = loopback_server("pinned");
        let pinned =
            |host: &str| Pinned { host: host.into(), addrs: vec![SocketAddr::from(([127, 0, 0, 1], port))] };
        let agent = |p: Pinned| {
            ureq::Agent::with_parts(
                ureq::Agent::config_builder().proxy(None).build(),
                DefaultConnector::new(),
                p,
            )
        };
        // A name that resolves nowhere reaches the pinned loopback address: no second lookup.
        let url = format!("http://files.example.invalid:{port}/x.png");
        let mut res = agent(pinned("files.example.invalid")).get(&url).call().unwrap();
        assert_eq!(res.body_mut().read_to_string().unwrap(), "pinned");
        // Any other host is refused by the resolver.
        let other =
            agent(pinned("files.example.invalid")).get(&format!("http://elsewhere.invalid:{port}/")).call();
        assert!(matches!(other, Err(ureq::Error::HostNotFound)), "{other:?}");
    }

    #[test]
    fn redirects_resolve_against_the_page_they_came_from() {
        let from = target("https://a.example:8443/p/q.png").unwrap();
        assert_eq!(redirect_target(&from, "/r.png").unwrap(), "https://a.example:8443/r.png");
        assert_eq!(redirect_target(&from, "//b.example/s.png").unwrap(), "https://b.example/s.png");
        assert_eq!(redirect_target(&from, "http://c.example/t").unwrap(), "http://c.example/t");
        assert!(redirect_target(&from, "").is_err());
        assert!(redirect_target(&from, "ftp://x/y").is_err());
    }
}
