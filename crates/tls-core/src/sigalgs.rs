//! `sigalgs`: the signature algorithms a context offers and accepts, in OpenSSL's
//! list syntax (`'RSA-PSS+SHA256:ECDSA+SHA256:ed25519'` or TLS 1.3 scheme names).
//!
//! The list restricts both directions, as OpenSSL's `SSL_CTX_set1_sigalgs_list`
//! does: the schemes our key may sign with (server certificate, client
//! certificate) and the schemes we advertise and accept from the peer. A name that
//! OpenSSL knows but ring cannot do (Ed448, P-521) is refused with the same code as
//! an unknown name (Node 20 throws without a code; ours is
//! `ERR_TLS_INVALID_SIGALGS`).

use rustls::SignatureScheme;

use crate::{Error, Result};

/// Parses Node's `sigalgs` string.
pub fn parse_sigalgs(list: &str) -> Result<Vec<SignatureScheme>> {
    let mut out = Vec::new();
    for name in list.split(':') {
        let scheme = scheme_of(name).ok_or_else(|| Error::InvalidSigalgs {
            message: format!(
                "Invalid sigalgs entry {name:?}: not a signature algorithm this stack implements"
            ),
        })?;
        if !out.contains(&scheme) {
            out.push(scheme);
        }
    }
    Ok(out)
}

fn scheme_of(name: &str) -> Option<SignatureScheme> {
    use SignatureScheme as S;
    Some(match name {
        "RSA+SHA256" | "rsa_pkcs1_sha256" => S::RSA_PKCS1_SHA256,
        "RSA+SHA384" | "rsa_pkcs1_sha384" => S::RSA_PKCS1_SHA384,
        "RSA+SHA512" | "rsa_pkcs1_sha512" => S::RSA_PKCS1_SHA512,
        "RSA-PSS+SHA256" | "PSS+SHA256" | "rsa_pss_rsae_sha256" => S::RSA_PSS_SHA256,
        "RSA-PSS+SHA384" | "PSS+SHA384" | "rsa_pss_rsae_sha384" => S::RSA_PSS_SHA384,
        "RSA-PSS+SHA512" | "PSS+SHA512" | "rsa_pss_rsae_sha512" => S::RSA_PSS_SHA512,
        "ECDSA+SHA256" | "ecdsa_secp256r1_sha256" => S::ECDSA_NISTP256_SHA256,
        "ECDSA+SHA384" | "ecdsa_secp384r1_sha384" => S::ECDSA_NISTP384_SHA384,
        "ed25519" | "Ed25519" => S::ED25519,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_and_tls13_spellings() {
        assert_eq!(
            parse_sigalgs("RSA-PSS+SHA256:ECDSA+SHA256:ed25519:rsa_pkcs1_sha384").unwrap(),
            vec![
                SignatureScheme::RSA_PSS_SHA256,
                SignatureScheme::ECDSA_NISTP256_SHA256,
                SignatureScheme::ED25519,
                SignatureScheme::RSA_PKCS1_SHA384
            ]
        );
        for bad in ["FOO+BAR", "", "ed448", "ECDSA+SHA512", "RSA+SHA256:"] {
            assert_eq!(
                parse_sigalgs(bad).unwrap_err().code(),
                "ERR_TLS_INVALID_SIGALGS",
                "{bad}"
            );
        }
    }
}
