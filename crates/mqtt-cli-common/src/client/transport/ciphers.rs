//! `--ciphers`: an OpenSSL-style cipher list mapped onto the cipher suites this client's TLS
//! library offers.
//!
//! Rules, following what OpenSSL does with the same list where the two can agree:
//! - Entries are separated by `:`, `,` or spaces. An entry is a suite's OpenSSL name
//!   (`ECDHE-RSA-AES128-GCM-SHA256`), its TLS 1.3 name (`TLS_AES_128_GCM_SHA256`), a group
//!   keyword (`HIGH`, `ECDHE`, `AESGCM`, `CHACHA20`, `aRSA`, ...) or groups joined by `+`, which
//!   means "in all of them".
//! - `!X` removes X for good, `-X` removes it for now; removing something this client never
//!   offers (`!aNULL`, `!MD5`) is fine. `+X` moves X to the end. `@...` directives are ignored.
//! - The list orders the TLS 1.2 suites. As with OpenSSL, TLS 1.3 suites are not affected by
//!   group keywords: all of them stay enabled unless the list names TLS 1.3 suites, in which case
//!   only those are used.
//! - An entry this client cannot honour is an error naming it, never silently dropped.

use rustls::{CipherSuite, SupportedCipherSuite};

/// Keywords every TLS 1.2 suite here belongs to: all are ephemeral ECDH with AEAD encryption.
const COMMON_TAGS: &[&str] = &[
    "ALL", "DEFAULT", "HIGH", "ECDHE", "EECDH", "kECDHE", "kEECDH", "AEAD", "TLSv1.2", "SSLv3",
];

/// A TLS 1.2 suite: its OpenSSL name and the keywords that select it besides [`COMMON_TAGS`].
struct Tls12Suite {
    openssl: &'static str,
    suite: CipherSuite,
    tags: &'static [&'static str],
}

const TLS12_SUITES: &[Tls12Suite] = &[
    Tls12Suite {
        openssl: "ECDHE-ECDSA-AES256-GCM-SHA384",
        suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        tags: &["aECDSA", "ECDSA", "AESGCM", "AES", "AES256", "SHA384"],
    },
    Tls12Suite {
        openssl: "ECDHE-ECDSA-AES128-GCM-SHA256",
        suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        tags: &["aECDSA", "ECDSA", "AESGCM", "AES", "AES128", "SHA256"],
    },
    Tls12Suite {
        openssl: "ECDHE-ECDSA-CHACHA20-POLY1305",
        suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        tags: &["aECDSA", "ECDSA", "CHACHA20", "SHA256"],
    },
    Tls12Suite {
        openssl: "ECDHE-RSA-AES256-GCM-SHA384",
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        tags: &["aRSA", "AESGCM", "AES", "AES256", "SHA384"],
    },
    Tls12Suite {
        openssl: "ECDHE-RSA-AES128-GCM-SHA256",
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        tags: &["aRSA", "AESGCM", "AES", "AES128", "SHA256"],
    },
    Tls12Suite {
        openssl: "ECDHE-RSA-CHACHA20-POLY1305",
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        tags: &["aRSA", "CHACHA20", "SHA256"],
    },
];

/// TLS 1.3 suites by the names OpenSSL's `-ciphersuites` uses.
const TLS13_SUITES: &[(&str, CipherSuite)] = &[
    (
        "TLS_AES_256_GCM_SHA384",
        CipherSuite::TLS13_AES_256_GCM_SHA384,
    ),
    (
        "TLS_AES_128_GCM_SHA256",
        CipherSuite::TLS13_AES_128_GCM_SHA256,
    ),
    (
        "TLS_CHACHA20_POLY1305_SHA256",
        CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
    ),
];

/// The suites `list` selects from `available`, in the order to offer them. The error says, in
/// words, which entry could not be honoured.
pub(crate) fn select(
    list: &str,
    available: &[SupportedCipherSuite],
) -> Result<Vec<SupportedCipherSuite>, String> {
    let mut tls12: Vec<CipherSuite> = Vec::new();
    let mut tls13: Vec<CipherSuite> = Vec::new();
    let mut banned: Vec<CipherSuite> = Vec::new();
    for entry in list
        .split([':', ',', ' '])
        .filter(|entry| !entry.is_empty())
    {
        let (action, name) = Action::of(entry);
        let matches = resolve(name);
        match action {
            Action::Skip => {}
            Action::Remove { for_good } => {
                let found = matches.unwrap_or_default();
                tls12.retain(|suite| !found.contains(suite));
                tls13.retain(|suite| !found.contains(suite));
                if for_good {
                    banned.extend(found);
                }
            }
            Action::MoveToEnd => {
                let found = matches.unwrap_or_default();
                let (moved, kept): (Vec<_>, Vec<_>) =
                    tls12.iter().partition(|suite| found.contains(suite));
                tls12 = kept.into_iter().chain(moved).collect();
            }
            Action::Add => {
                let Some(found) = matches else {
                    return Err(format!(
                        "the cipher \"{name}\" is not supported; choose from {}",
                        supported_names()
                    ));
                };
                for suite in found {
                    let target = if is_tls13(suite) {
                        &mut tls13
                    } else {
                        &mut tls12
                    };
                    if !target.contains(&suite) && !banned.contains(&suite) {
                        target.push(suite);
                    }
                }
            }
        }
    }
    let tls13_chosen = if tls13.is_empty() {
        TLS13_SUITES
            .iter()
            .map(|(_, suite)| *suite)
            .filter(|suite| !banned.contains(suite))
            .collect()
    } else {
        tls13
    };
    let chosen: Vec<SupportedCipherSuite> = tls13_chosen
        .iter()
        .chain(&tls12)
        .filter_map(|wanted| {
            available
                .iter()
                .find(|offered| offered.suite() == *wanted)
                .copied()
        })
        .collect();
    if chosen.is_empty() {
        return Err(format!(
            "the cipher list \"{list}\" leaves no cipher to use"
        ));
    }
    Ok(chosen)
}

/// What one entry of the list does, by its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Add,
    /// `!` (for good: later entries cannot add it back) or `-` (for now).
    Remove {
        for_good: bool,
    },
    /// `+`
    MoveToEnd,
    /// `@` directives such as `@SECLEVEL=1`, meaningless here.
    Skip,
}

impl Action {
    fn of(entry: &str) -> (Action, &str) {
        let mut chars = entry.chars();
        let action = match chars.next() {
            Some('!') => Action::Remove { for_good: true },
            Some('-') => Action::Remove { for_good: false },
            Some('+') => Action::MoveToEnd,
            Some('@') => Action::Skip,
            _ => return (Action::Add, entry),
        };
        (action, chars.as_str())
    }
}

/// The suites one entry names, or `None` when it names nothing this client knows.
fn resolve(name: &str) -> Option<Vec<CipherSuite>> {
    if let Some((_, suite)) = TLS13_SUITES.iter().find(|(known, _)| *known == name) {
        return Some(vec![*suite]);
    }
    let mut selected: Vec<CipherSuite> = TLS12_SUITES.iter().map(|s| s.suite).collect();
    for part in name.split('+') {
        let in_part: Vec<CipherSuite> = TLS12_SUITES
            .iter()
            .filter(|s| s.openssl == part || s.tags.contains(&part) || COMMON_TAGS.contains(&part))
            .map(|s| s.suite)
            .collect();
        if in_part.is_empty() {
            return None;
        }
        selected.retain(|suite| in_part.contains(suite));
    }
    Some(selected)
}

fn is_tls13(suite: CipherSuite) -> bool {
    TLS13_SUITES.iter().any(|(_, known)| *known == suite)
}

fn supported_names() -> String {
    TLS12_SUITES
        .iter()
        .map(|s| s.openssl)
        .chain(TLS13_SUITES.iter().map(|(name, _)| *name))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::crypto::ring::ALL_CIPHER_SUITES;

    fn names(list: &str) -> Result<Vec<String>, String> {
        select(list, ALL_CIPHER_SUITES)
            .map(|suites| suites.iter().map(|s| format!("{:?}", s.suite())).collect())
    }

    const ALL_TLS13: [&str; 3] = [
        "TLS13_AES_256_GCM_SHA384",
        "TLS13_AES_128_GCM_SHA256",
        "TLS13_CHACHA20_POLY1305_SHA256",
    ];

    fn with_tls13(tls12: &[&str]) -> Vec<String> {
        ALL_TLS13
            .iter()
            .chain(tls12)
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn lists_select_and_order_suites_like_openssl() {
        let cases: Vec<(&str, Vec<String>)> = vec![
            (
                "ECDHE-RSA-AES128-GCM-SHA256",
                with_tls13(&["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]),
            ),
            (
                "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384",
                with_tls13(&[
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                ]),
            ),
            (
                "ECDHE+AESGCM+aECDSA",
                with_tls13(&[
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                ]),
            ),
            (
                "HIGH:!aNULL:!MD5:!aRSA",
                with_tls13(&[
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                ]),
            ),
            (
                "CHACHA20,AES128 @STRENGTH",
                with_tls13(&[
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                ]),
            ),
            (
                "aRSA:+CHACHA20",
                with_tls13(&[
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                ]),
            ),
            (
                "!aRSA:aRSA:ECDHE-ECDSA-AES128-GCM-SHA256",
                with_tls13(&["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]),
            ),
            (
                "AES256:-ECDSA:ECDHE-ECDSA-AES128-GCM-SHA256",
                with_tls13(&[
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                ]),
            ),
            (
                "TLS_AES_128_GCM_SHA256",
                vec!["TLS13_AES_128_GCM_SHA256".to_string()],
            ),
            (
                "TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-AES128-GCM-SHA256",
                vec![
                    "TLS13_CHACHA20_POLY1305_SHA256".to_string(),
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".to_string(),
                ],
            ),
        ];
        for (list, expected) in cases {
            assert_eq!(names(list), Ok(expected), "{list}");
        }
    }

    #[test]
    fn names_this_client_lacks_are_errors() {
        let cases = [
            ("AES128-SHA", "AES128-SHA"),
            (
                "ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
                "DHE-RSA-AES256-GCM-SHA384",
            ),
            ("ECDHE+CAMELLIA", "ECDHE+CAMELLIA"),
            ("FOO", "FOO"),
        ];
        for (list, culprit) in cases {
            let error = names(list).err().unwrap_or_default();
            assert!(
                error.starts_with(&format!("the cipher \"{culprit}\" is not supported; choose from ECDHE-ECDSA-AES256-GCM-SHA384, ")),
                "{list}: {error}"
            );
        }
    }

    #[test]
    fn a_list_that_removes_everything_is_an_error() {
        assert_eq!(
            names("!ALL:!TLS_AES_256_GCM_SHA384:!TLS_AES_128_GCM_SHA256:!TLS_CHACHA20_POLY1305_SHA256"),
            Err("the cipher list \"!ALL:!TLS_AES_256_GCM_SHA384:!TLS_AES_128_GCM_SHA256:!TLS_CHACHA20_POLY1305_SHA256\" leaves no cipher to use".to_string())
        );
    }

    #[test]
    fn only_suites_the_library_offers_are_returned() {
        let offered: Vec<SupportedCipherSuite> = ALL_CIPHER_SUITES
            .iter()
            .filter(|s| s.suite() == CipherSuite::TLS13_AES_128_GCM_SHA256)
            .copied()
            .collect();
        let chosen = select("ECDHE-RSA-AES128-GCM-SHA256", &offered).unwrap_or_default();
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].suite(), CipherSuite::TLS13_AES_128_GCM_SHA256);
    }
}
