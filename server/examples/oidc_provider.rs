//! The tests' stand-in for Ciudadanía Digital, as a process for the browser
//! tests: `oidc_provider <port>` serves it on 127.0.0.1, with
//! `PUT /test/person` to say who signs in next (Ciudadanía Digital's claim
//! layout, `sub` included).

#[path = "../tests/support/oidc_provider.rs"]
mod provider;

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|port| port.parse().ok())
        .expect("usage: oidc_provider <port>");
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("a free port");
    let provider = provider::MockProvider::serve(listener, true);
    println!("proveedor de prueba en {}", provider.issuer);
    std::future::pending::<()>().await;
}
