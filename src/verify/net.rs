//! The only way keyhound talks to the network: HTTPS to the host a rule names, nothing else.
//!
//! - Every address a host name resolves to is vetted before connecting: loopback, private,
//!   link-local, unique-local, carrier-grade NAT, multicast, documentation and unspecified
//!   addresses are refused (the check runs in the connection's own resolver, so a DNS answer
//!   that changes between a check and the connection cannot slip through).
//! - Redirects are never followed; a 3xx answer is reported as such.
//! - Connect and total timeouts; a limit of requests in flight per host; a host's
//!   `Retry-After` holds back every later request to it (up to a bound, after which the
//!   secret is reported `unknown` without sending anything).
//! - `ALL_PROXY` / `HTTPS_PROXY` / `HTTP_PROXY` are honoured (ureq's proxy support; it does
//!   not read `NO_PROXY`).
//! - Error messages carry the kind of failure, never a URL or header (which may hold the
//!   secret).
//!
//! Tests redirect every request to a loopback mock with [`OVERRIDE_ENV`]; the override itself
//! must be a loopback address literal, and while it is set nothing else can be reached.

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::spec::{Request, host_of};

/// Environment variable that sends every verification and revocation request to a loopback
/// server (`http://127.0.0.1:PORT`) instead of the provider; for tests. The provider's host is
/// sent in the [`ORIGINAL_HOST_HEADER`] header.
pub const OVERRIDE_ENV: &str = "KEYHOUND_VERIFY_ENDPOINT_OVERRIDE";
/// The header naming the provider's host on a request redirected by [`OVERRIDE_ENV`].
pub const ORIGINAL_HOST_HEADER: &str = "X-Keyhound-Original-Host";
/// Longest answer body read.
const MAX_BODY: u64 = 256 * 1024;

/// Network settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Total time for one request.
    pub timeout: Duration,
    /// Time to connect.
    pub connect_timeout: Duration,
    /// Requests in flight to one host.
    pub per_host: usize,
    /// Longest wait a host's `Retry-After` may impose before the remaining secrets for it are
    /// reported `unknown` unsent.
    pub max_wait: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            per_host: 4,
            max_wait: Duration::from_secs(30),
        }
    }
}

/// A provider's answer.
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Body, at most 256 KiB.
    pub body: Vec<u8>,
    /// `Retry-After`, in seconds, when given as a number.
    pub retry_after: Option<u64>,
    /// The answer's headers (names lower-cased).
    pub headers: Vec<(String, String)>,
}

/// Why a request was not answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// keyhound refused to send it (private address, bad URL, override outside loopback): the
    /// secret's status is `error`.
    Refused(String),
    /// The network or the host failed (timeout, DNS, TLS, connection): `unknown`.
    Failed(String),
    /// Not sent: the host asked to wait longer than allowed (`unknown`).
    Deferred(String),
}

/// Whether an address may receive a secret: public unicast only.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // carrier-grade NAT
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
                || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b)) // NAT64 can reach private IPv4
        }
    }
}

/// Where requests go when [`OVERRIDE_ENV`] is set: `scheme://loopback-ip:port`.
#[derive(Debug, Clone)]
pub struct Override {
    base: String,
}

impl Override {
    /// Reads [`OVERRIDE_ENV`]; an error when it is set to anything but a loopback literal.
    pub fn from_env() -> Result<Option<Override>, String> {
        match std::env::var(OVERRIDE_ENV) {
            Ok(v) if !v.is_empty() => Override::parse(&v).map(Some),
            _ => Ok(None),
        }
    }

    /// Parses `http://127.0.0.1:PORT` (or `https://`, or `[::1]`).
    pub fn parse(v: &str) -> Result<Override, String> {
        let refuse = || format!("{OVERRIDE_ENV}={v}: must be http(s)://<loopback address>:<port>; refused");
        let rest = v.strip_prefix("http://").or_else(|| v.strip_prefix("https://")).ok_or_else(refuse)?;
        let authority = rest.trim_end_matches('/');
        let addr: SocketAddr = authority.parse().map_err(|_| refuse())?;
        if !addr.ip().is_loopback() {
            return Err(refuse());
        }
        Ok(Override { base: v.trim_end_matches('/').to_string() })
    }

    fn rewrite(&self, url: &str) -> String {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let path = rest.find(['/', '?']).map_or("/", |i| &rest[i..]);
        format!("{}{}", self.base, path)
    }
}

#[derive(Default)]
struct GateState {
    in_flight: usize,
    not_before: Option<Instant>,
}

#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    freed: Condvar,
}

/// The HTTP client of verification and revocation.
pub struct Http {
    agent: ureq::Agent,
    redirect: Option<Override>,
    options: Options,
    gates: Mutex<HashMap<String, Arc<Gate>>>,
    sent: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").field("redirect", &self.redirect).field("options", &self.options).finish()
    }
}

fn vet(addrs: impl Iterator<Item = SocketAddr>, loopback_only: bool) -> Vec<SocketAddr> {
    addrs.filter(|a| if loopback_only { a.ip().is_loopback() } else { is_public(a.ip()) }).collect()
}

impl Http {
    /// A client; `redirect` sends everything to a loopback test server.
    pub fn new(options: Options, redirect: Option<Override>) -> Http {
        let loopback_only = redirect.is_some();
        let resolver = move |netloc: &str| -> std::io::Result<Vec<SocketAddr>> {
            let all: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
            let ok = vet(all.iter().copied(), loopback_only);
            if ok.is_empty() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "resolves only to private, loopback or link-local addresses: refused",
                ));
            }
            Ok(ok)
        };
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            // keep a connection per request in flight, so a host is not reconnected to each time
            .max_idle_connections_per_host(options.per_host.max(1))
            .max_idle_connections(64)
            .timeout_connect(options.connect_timeout)
            .timeout(options.timeout)
            .try_proxy_from_env(!loopback_only)
            .user_agent(concat!("keyhound/", env!("CARGO_PKG_VERSION"), " (secret verification)"))
            .resolver(resolver)
            .build();
        Http { agent, redirect, options, gates: Mutex::new(HashMap::new()), sent: Default::default() }
    }

    /// Requests sent so far.
    pub fn sent(&self) -> usize {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn gate(&self, host: &str) -> Arc<Gate> {
        let mut g = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        g.entry(host.to_string()).or_default().clone()
    }

    /// Checks, before anything is sent, that the host is one a secret may go to.
    fn precheck(&self, host: &str) -> Result<(), NetError> {
        if self.redirect.is_some() {
            return Ok(());
        }
        let literal = host.parse::<IpAddr>().ok();
        if let Some(ip) = literal {
            return if is_public(ip) {
                Ok(())
            } else {
                Err(NetError::Refused(format!("{host} is a private, loopback or link-local address: refused")))
            };
        }
        // A name that does not resolve here may still resolve at a proxy: let the connection
        // decide. One that resolves only to private addresses is refused now.
        if let Ok(addrs) = (host, 443).to_socket_addrs() {
            let all: Vec<SocketAddr> = addrs.collect();
            if !all.is_empty() && vet(all.into_iter(), false).is_empty() {
                return Err(NetError::Refused(format!(
                    "{host} resolves only to private, loopback or link-local addresses: refused"
                )));
            }
        }
        Ok(())
    }

    /// Sends one request, within the host's limits.
    pub fn send(&self, req: &Request) -> Result<Response, NetError> {
        let host = host_of(&req.url).ok_or_else(|| NetError::Refused("the request has no host".into()))?;
        if !req.url.starts_with("https://") {
            return Err(NetError::Refused(format!("{host}: only https is used to send secrets")));
        }
        self.precheck(&host)?;
        let gate = self.gate(&host);
        {
            let mut st = gate.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(nb) = st.not_before {
                    let now = Instant::now();
                    if nb > now {
                        let wait = nb - now;
                        if wait > self.options.max_wait {
                            return Err(NetError::Deferred(format!(
                                "not sent: {host} asked to wait {} s (Retry-After)",
                                wait.as_secs()
                            )));
                        }
                        st = gate.freed.wait_timeout(st, wait).unwrap_or_else(|e| e.into_inner()).0;
                        continue;
                    }
                }
                if st.in_flight < self.options.per_host.max(1) {
                    st.in_flight += 1;
                    break;
                }
                st = gate.freed.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        }
        let result = self.call(req, &host);
        let mut st = gate.state.lock().unwrap_or_else(|e| e.into_inner());
        st.in_flight -= 1;
        if let Ok(r) = &result
            && r.status == 429
        {
            let hold = Duration::from_secs(r.retry_after.unwrap_or(5));
            let until = Instant::now() + hold;
            st.not_before = Some(st.not_before.map_or(until, |t| t.max(until)));
        }
        gate.freed.notify_all();
        result
    }

    fn call(&self, req: &Request, host: &str) -> Result<Response, NetError> {
        let url = match &self.redirect {
            Some(o) => o.rewrite(&req.url),
            None => req.url.clone(),
        };
        let mut r = self.agent.request(req.method.as_str(), &url);
        for (k, v) in &req.headers {
            r = r.set(k, v);
        }
        if self.redirect.is_some() {
            r = r.set(ORIGINAL_HOST_HEADER, host);
        }
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let answer = match &req.body {
            Some(b) => r.send_bytes(b),
            None => r.call(),
        };
        let resp = match answer {
            Ok(resp) | Err(ureq::Error::Status(_, resp)) => resp,
            Err(ureq::Error::Transport(t)) => {
                let refused = std::error::Error::source(&t)
                    .and_then(|s| s.downcast_ref::<std::io::Error>())
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
                let what = format!("{host}: {}", t.kind());
                return Err(if refused {
                    NetError::Refused(format!(
                        "{host} resolves only to private, loopback or link-local addresses: refused"
                    ))
                } else {
                    NetError::Failed(what)
                });
            }
        };
        let status = resp.status();
        let retry_after = resp.header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let headers = resp
            .headers_names()
            .into_iter()
            .filter_map(|n| resp.header(&n).map(|v| (n.to_ascii_lowercase(), v.chars().take(1024).collect())))
            .collect();
        let mut body = Vec::new();
        let _ = resp.into_reader().take(MAX_BODY).read_to_end(&mut body);
        Ok(Response { status, body, retry_after, headers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_get_secrets() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["8.8.8.8", "140.82.112.3", "2606:4700::1111"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn the_override_must_be_loopback() {
        assert!(Override::parse("http://127.0.0.1:8080").is_ok());
        assert!(Override::parse("http://[::1]:8080/").is_ok());
        for bad in ["http://10.0.0.1:80", "http://localhost:80", "ftp://127.0.0.1:1", "http://8.8.8.8:443"] {
            assert!(Override::parse(bad).is_err(), "{bad}");
        }
        let o = Override::parse("http://127.0.0.1:9/").unwrap();
        assert_eq!(o.rewrite("https://api.example.com/v1/x?k=1"), "http://127.0.0.1:9/v1/x?k=1");
        assert_eq!(o.rewrite("https://api.example.com"), "http://127.0.0.1:9/");
    }

    #[test]
    fn private_hosts_are_refused_before_sending() {
        let http = Http::new(Options::default(), None);
        for url in ["https://10.0.0.1/x", "https://127.0.0.1/x", "https://[::1]/x", "https://localhost/x"] {
            let req = Request { method: super::super::spec::Method::Get, url: url.into(), headers: vec![], body: None };
            match http.send(&req) {
                Err(NetError::Refused(m)) => assert!(m.contains("refused"), "{m}"),
                other => panic!("{url}: {other:?}"),
            }
        }
        let plain = Request {
            method: super::super::spec::Method::Get,
            url: "http://api.example.com/".into(),
            headers: vec![],
            body: None,
        };
        assert!(matches!(http.send(&plain), Err(NetError::Refused(_))));
        assert_eq!(http.sent(), 0);
    }
}
