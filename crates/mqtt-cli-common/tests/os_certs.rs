//! `--tls-use-os-certs` end to end: the system's CA store is found through `SSL_CERT_FILE`, so
//! the test can point it at its own CA, and at a file that does not exist.
//!
//! Rules: this is its own test binary with a single test, because it changes the process
//! environment, which no other test may be reading at the same time.

mod common;

use common::{assert_failure, certificates, config, failure, round_trip, small, tls};
use mqtt_cli_common::config::TlsOptions;
use mqtt_test_support::Broker;

#[tokio::test]
async fn the_system_store_is_trusted_and_a_missing_one_is_an_error() {
    let (_dir, certs) = certificates();
    let broker = Broker::builder()
        .tls_listener("tls", certs.tls_files(false))
        .start();
    let os_certs = TlsOptions {
        use_os_certs: true,
        ..TlsOptions::default()
    };
    let at_broker = || {
        tls(
            os_certs.clone(),
            config("localhost", broker.listener_port("tls")),
        )
    };

    std::env::remove_var("SSL_CERT_DIR");
    std::env::set_var("SSL_CERT_FILE", &certs.ca);
    round_trip(at_broker(), small()).await;

    std::env::set_var("SSL_CERT_FILE", certs.ca.with_file_name("missing.crt"));
    let error = failure(at_broker()).await;
    assert_failure(
        &error,
        "Error: Problem setting TLS options: cannot load the system's CA certificates (",
    );
}
