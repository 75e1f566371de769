//! The client address a request comes from, for the sign-in rate limit
//! ([`crate::rate_limit`]) and the connection caps.

use std::net::IpAddr;

/// The client address of a request (the TCP peer; kinmu does not trust
/// forwarded-for headers, which anyone can send).
pub fn client_addr(req: &actix_web::HttpRequest) -> IpAddr {
    req.peer_addr()
        .map_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |a| a.ip())
}
