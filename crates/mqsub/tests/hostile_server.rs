//! mqsub against a deliberately broken server (`mqtt_test_support::FakeServer`): whatever the
//! server does, mqsub ends by itself within a bounded time with one clear error line, no panic
//! text, nothing on standard output, and a documented exit code:
//!
//! | server | exit code |
//! | --- | --- |
//! | bytes that are not MQTT, before or after CONNACK | 21, malformed packet, at once |
//! | a PUBLISH whose topic is not UTF-8 | 21 |
//! | a remaining length of five bytes | 21 |
//! | a 3.1.1 CONNACK declaring 268435455 bytes | 21, at once |
//! | a CONNACK with an unknown code | that code, as mosquitto |
//! | another packet before CONNACK | 2, protocol error |
//! | a close during the handshake | 7, connection lost |
//! | no (whole) CONNACK: silence, half a CONNACK, an MQTT 5 CONNACK declaring 268435455 bytes | the connect timeout's code, after `-k` seconds at most |
//!
//! (mosquitto_sub 2.1 retries most of these for ever without a word.) A server that goes silent
//! once subscribed (PINGREQ unanswered, or half a huge PUBLISH) is noticed within 1.5 x
//! keepalive, reported on one line, and reconnected to; SIGTERM then ends mqsub with 0.

use std::path::Path;
use std::time::Duration;

use mqtt_cli_common::error::{code, ClientError};
use mqtt_test_support::fake_server::{self, scripts, Case, Protocol, Script};

/// Seconds of keepalive: also the longest the handshake may take.
const KEEPALIVE: u16 = 5;

/// The longest any case may take.
const BOUND: Duration = Duration::from_secs(15);

fn mqsub() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mqsub"))
}

fn subscription(protocol: Protocol) -> Vec<&'static str> {
    let mut args = vec!["-t", "hostile/#", "-v"];
    args.extend(protocol.client_args());
    args
}

fn case(protocol: Protocol, name: &str, script: Script, exit: u8, stderr: &str) -> Case {
    let mut args: Vec<String> = subscription(protocol)
        .iter()
        .map(|arg| arg.to_string())
        .collect();
    args.extend(["-k".to_string(), KEEPALIVE.to_string()]);
    Case {
        name: format!("{name} ({protocol:?})"),
        script,
        args,
        exit_code: i32::from(exit),
        stderr: stderr.to_string(),
    }
}

#[test]
fn every_broken_server_ends_the_run_with_one_clear_error() {
    let timeout = ClientError::ConnectTimeout.exit_code();
    let timed_out = "Error: Timed out waiting for the broker to answer CONNECT.\n";
    let garbage = "Error: Malformed packet received: byte 0x48 does not start an MQTT packet\n";
    let mut cases = Vec::new();
    for protocol in [Protocol::V311, Protocol::V5] {
        cases.extend([
            case(
                protocol,
                "garbage instead of CONNACK",
                scripts::garbage_instead_of_connack(),
                code::MALFORMED_PACKET,
                garbage,
            ),
            case(
                protocol,
                "five-byte remaining length",
                scripts::overlong_remaining_length(),
                code::MALFORMED_PACKET,
                "Error: Malformed packet received: remaining length longer than 4 bytes\n",
            ),
            case(
                protocol,
                "half a CONNACK then silence",
                scripts::half_connack(protocol),
                timeout,
                timed_out,
            ),
            case(
                protocol,
                "close during the handshake",
                scripts::close_after_connect(),
                code::CONN_LOST,
                "Error: The connection was lost.\n",
            ),
            case(
                protocol,
                "CONNECT never answered",
                scripts::never_answers(),
                timeout,
                timed_out,
            ),
            case(
                protocol,
                "PINGRESP before CONNACK",
                scripts::pingresp_before_connack(),
                code::PROTOCOL,
                "Error: Protocol error: the broker sent another packet before CONNACK\n",
            ),
            case(
                protocol,
                "garbage after SUBACK",
                scripts::garbage_after_connack(protocol, true),
                code::MALFORMED_PACKET,
                garbage,
            ),
            case(
                protocol,
                "topic that is not UTF-8",
                scripts::invalid_utf8_topic(protocol),
                code::MALFORMED_PACKET,
                "Error: Malformed packet received: topic is not valid UTF-8\n",
            ),
        ]);
    }
    cases.extend([
        case(
            Protocol::V311,
            "unknown CONNACK return code",
            scripts::connack_with_code(Protocol::V311, 42),
            42,
            "Connection error: Connection Refused: unknown reason\n",
        ),
        case(
            Protocol::V5,
            "unknown CONNACK reason code",
            scripts::connack_with_code(Protocol::V5, 0xa5),
            0xa5,
            "Connection error: Unknown reason\n",
        ),
        case(
            Protocol::V311,
            "CONNACK declaring 268435455 bytes",
            scripts::huge_connack_never_sent(),
            code::MALFORMED_PACKET,
            "Error: Malformed packet received: CONNACK with a remaining length of 268435455 \
             instead of 2\n",
        ),
        case(
            Protocol::V5,
            "CONNACK declaring 268435455 bytes",
            scripts::huge_connack_never_sent(),
            timeout,
            timed_out,
        ),
    ]);
    fake_server::check_cases(mqsub(), &cases, BOUND);
}

#[test]
fn a_server_that_stops_answering_pingreq_is_noticed() {
    fake_server::check_silence_detected(
        mqsub(),
        &subscription(Protocol::V5),
        scripts::ignores_pingreq(Protocol::V5, true),
        KEEPALIVE,
        0,
    );
}

#[test]
fn half_a_huge_publish_then_silence_is_noticed() {
    fake_server::check_silence_detected(
        mqsub(),
        &subscription(Protocol::V311),
        scripts::huge_publish_never_sent(Protocol::V311, true),
        KEEPALIVE,
        0,
    );
}
